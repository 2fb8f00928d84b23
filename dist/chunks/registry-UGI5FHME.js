import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as w}from"./chunk-ST67IJIE.js";import{a as m}from"./chunk-OL62CQMD.js";import"./chunk-NQFMQTN4.js";import"./chunk-IX4WC3LE.js";import"./chunk-RZTBMWTD.js";import"./chunk-VJ245G2Q.js";import"./chunk-BTBTAIHU.js";import"./chunk-7YRYTY47.js";import{g as f}from"./chunk-CHILWQHF.js";import"./chunk-53JQGKRV.js";import{a as i}from"./chunk-P4IJG5VI.js";import"./chunk-3VGBAVFI.js";var k=`Usage:
  modelship registry list [--group <name>] [--config modelship.yml] [--backend local|sagemaker] [--json]
      The group's packages, newest first (the group defaults to registry.group, else model);
      every group when none is named.
  modelship registry show <package-arn> [--config \u2026] [--backend \u2026]
      One package as JSON (on the local backend: model-package/<group>/<version>).`;function y(p){let[d="",...n]=p,s={command:d,positional:[],flags:{}};for(let t=0;t<n.length;t++){let r=n[t];if(!r.startsWith("--")){s.positional.push(r);continue}let[o,u]=r.slice(2).split(/=(.*)/s,2);if(o==="json"||o==="help"||o==="debug"){s.flags[o]="true";continue}if(!["group","config","backend"].includes(o))throw new i("unknown option (see modelship registry --help)",`--${o}`);let c=u??n[++t];if(c===void 0)throw new i("needs a value",`--${o}`);s.flags[o]=c}return s}async function A(p,d){let n=y(p);if(n.flags.help||n.command===""||n.command==="help")return process.stdout.write(k+`
`),0;let s=process.cwd(),t=await f(n.flags.config,s,m),r=n.flags.backend??t.values.backend??"local";if(r!=="local"&&r!=="sagemaker")throw new i("must be local or sagemaker","--backend");let{openRegistry:o,registryGroup:u}=await import("./src-TV3QA54C.js"),c={config:t,cwd:s,backend:r,env:process.env,signal:d,now:()=>new Date},a=o(c);if(n.command==="show"){let e=n.positional[0];if(!e)throw new i("needs a package ARN","modelship registry show");return process.stdout.write(JSON.stringify(await a.describe(e),null,2)+`
`),0}if(n.command!=="list")throw new i("unknown registry command (list, show)",`modelship registry ${n.command}`);let g;try{g=u(c,n.flags.group,"--group")}catch(e){if(n.flags.group||!(e instanceof i&&/nothing names/.test(e.message)))throw e}if(!g){let e=await a.groups();return n.flags.json?process.stdout.write(JSON.stringify(e,null,2)+`
`):process.stdout.write(e.length>0?e.join(`
`)+`
`:`no model package groups in ${a.location}
`),0}let l=await a.list(g);if(n.flags.json)return process.stdout.write(JSON.stringify(l,null,2)+`
`),0;if(l.length===0)return process.stdout.write(`${g}: no packages in ${a.location}
`),0;let h=l.find(e=>e.ModelApprovalStatus==="Approved");return process.stdout.write(`${g} in ${a.location}

`),process.stdout.write(w(["version","status","created","package",""],l.map(e=>[String(e.ModelPackageVersion),e.ModelApprovalStatus,e.CreationTime,e.ModelPackageArn,e===h?"\u2190 champion":""]))+`
`),0}export{k as REGISTRY_USAGE,A as registryCommand};
