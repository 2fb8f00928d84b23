import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as m}from"./chunk-ST67IJIE.js";import{c as d}from"./chunk-IGQML3TO.js";import{a as p}from"./chunk-D2IDUOQF.js";import"./chunk-D63FD5YZ.js";import"./chunk-GH3SL2BW.js";import"./chunk-BHAIW4NW.js";import"./chunk-MWUXCKQS.js";import"./chunk-EPW3O4QH.js";import"./chunk-ZCDPM5NS.js";import"./chunk-JFSCOUZ7.js";import{i as l}from"./chunk-5RQHFTMS.js";import"./chunk-53JQGKRV.js";import{a as r}from"./chunk-P4IJG5VI.js";import"./chunk-3VGBAVFI.js";var S=`Usage:
  modelship registry list [--group <name>] [--config modelship.yml] [--backend local|sagemaker] [--json]
      The group's packages, newest first (the group defaults to registry.group, else model);
      every group when none is named.
  modelship registry show <package-arn> [--config \u2026] [--backend \u2026]
      One package as JSON (on the local backend: model-package/<group>/<version>).`;async function N(u,f){let[w="",...h]=u,e={command:w,...d(h,["group","config","backend"],"modelship registry")};if(e.flags.help||["","help","--help","-h"].includes(e.command))return process.stdout.write(S+`
`),0;let i=process.cwd(),c=await l(e.flags.config,i,p),a=e.flags.backend??c.values.backend??"local";if(a!=="local"&&a!=="sagemaker")throw new r("must be local or sagemaker","--backend");let{openRegistry:k,registryGroup:y}=await import("./src-BI43PRWJ.js"),g={config:c,cwd:i,backend:a,env:process.env,signal:f,now:()=>new Date},s=k(g);if(e.command==="show"){let o=e.positional[0];if(!o)throw new r("needs a package ARN","modelship registry show");return process.stdout.write(JSON.stringify(await s.describe(o),null,2)+`
`),0}if(e.command!=="list")throw new r("unknown registry command (list, show)",`modelship registry ${e.command}`);let n;try{n=y(g,e.flags.group,"--group")}catch(o){if(e.flags.group||!(o instanceof r&&/nothing names/.test(o.message)))throw o}if(!n){let o=await s.groups();return e.flags.json?process.stdout.write(JSON.stringify(o,null,2)+`
`):process.stdout.write(o.length>0?o.join(`
`)+`
`:`no model package groups in ${s.location}
`),0}let t=await s.list(n);if(e.flags.json)return process.stdout.write(JSON.stringify(t,null,2)+`
`),0;if(t.length===0)return process.stdout.write(`${n}: no packages in ${s.location}
`),0;let b=t.find(o=>o.ModelApprovalStatus==="Approved");return process.stdout.write(`${n} in ${s.location}

`),process.stdout.write(m(["version","status","created","package",""],t.map(o=>[String(o.ModelPackageVersion),o.ModelApprovalStatus,o.CreationTime,o.ModelPackageArn,o===b?"\u2190 champion":""]))+`
`),0}export{S as REGISTRY_USAGE,N as registryCommand};
