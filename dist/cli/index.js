#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as k,b as j,d as L}from"../chunks/chunk-5P4VR2RJ.js";import"../chunks/chunk-3CPLNJWW.js";import{a as u,b}from"../chunks/chunk-2R7GM24O.js";import"../chunks/chunk-PXEQ3GHC.js";import"../chunks/chunk-DEMX2WIY.js";import"../chunks/chunk-EPBCB2LD.js";import"../chunks/chunk-C6YTPTLM.js";import"../chunks/chunk-FMIERYQI.js";import"../chunks/chunk-PBZFPBQF.js";import"../chunks/chunk-TATDCVPC.js";import{b as E,i as P,n as x,o as C,q as N,s as O}from"../chunks/chunk-6K6ZHS4C.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as y}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as D}from"node:fs/promises";import{relative as B}from"node:path";var W={"deploy-canary":{step:"register",why:"it deploys the package register registers"},"promote-on-metrics":{step:"deploy-canary",why:"it judges the canary deploy-canary starts"}};function F(n,s){let e=[],r=[];for(let i of u){let c=i.fromConfig?.(n,s);if(!c)continue;let a=W[i.name];if(a&&!e.some(t=>t.step.name===a.step)){r.push(`${i.name} is left out: ${a.why}, which this config does not run`);continue}e.push({step:i,inputs:c})}return{jobs:e,notes:r}}function q(n){return/^[\w@%+=:,./-]+$/.test(n)?n:`'${n.replace(/'/g,"'\\''")}'`}function M(n,s,e,r){if(e.length===0)return{go:"on"};let i=e.map(t=>t.step.name).join(", "),c=[...r.config?["--config",q(r.config)]:[],...r.manifest?["--manifest",q(r.manifest)]:[]].join(" "),a=(t,p="")=>["modelship",t,p,c].filter(Boolean).join(" ");if(n.name==="register"){let t=s.outputs["approval-status"],p=s.outputs["model-package-arn"]??"";if(t==="Rejected")return{go:"stop",ok:!1,message:`${p} is Rejected: ${i} will not run on it. Train a new candidate (a change of data, code or hyperparameters) and run again`};if(t&&t!=="Approved")return{go:"stop",ok:!0,message:`stops at the approval gate: ${p} is ${t}. Approve it (${a("register","--operation approve")}), then run ${e.map(l=>a(l.step.name)).join(", then ")}`}}return n.name==="deploy-canary"&&!s.outputs["champion-variant"]?{go:"stop",ok:!0,message:`a first deploy: ${s.outputs["challenger-variant"]??"the package"} serves alone, there is no champion to judge it against; ${i} is left out`}:{go:"on"}}var G="0.1.0",T=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${u.map(n=>n.name).join(", ")}
  modelship <step> --help       The step's inputs and outputs.
  modelship steps               List the steps.
  modelship registry list|show  The model registry (groups, versions, statuses, the champion).
  modelship endpoint status|stop <name>
                                A local endpoint deploy-canary started (router, variants, pids).
  modelship traffic --endpoint <name> --requests FILE --rate N --duration S
                                Replay requests through a local endpoint; a per-variant summary.
  modelship codepipeline start|wait|approve|reject|await-approval [--pipeline name ...]
                                Start and follow an AWS CodePipeline execution, or answer or await
                                its manual approval (the codepipeline step; --help for its options).
  modelship codepipeline install --stack-name NAME [--template FILE] [--parameter Key=Value ...] [--dry-run]
                                Deploy the pipeline template as a CloudFormation stack through a
                                change set, printing its changes and streaming the stack's events.
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function V(n){return`MODELSHIP_${n.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function K(n){return`'${n.replace(/'/g,"'\\''")}'`}async function I(n,s,e){if(process.stdout.write(JSON.stringify(n,null,2)+`
`),e.outputsFile&&await D(e.outputsFile,JSON.stringify(n,null,2)+`
`),e.outputsEnv){let r=Object.entries(s).map(([i,c])=>`export ${V(i)}=${K(c)}`);await D(e.outputsEnv,r.join(`
`)+`
`)}}async function J(n,s,e,r){let i=new E(process.stderr,e.debug),c=e.quiet?{info:()=>{},warn:t=>i.warn(t),error:t=>i.error(t),debug:t=>i.debug(t),group:(t,p)=>p()}:i,a=await C(n,s,{steps:u,log:c,cwd:process.cwd(),env:process.env,signal:r,debug:e.debug,state:new N,github:x(process.env),inputLabel:t=>`--${t}`});e.quiet||process.stderr.write(`
`+L(a.summary)+`
`);for(let t of a.annotations??[]){if(t.level==="notice"||e.quiet&&t.level!=="error")continue;let p=t.file?`${t.file}${t.line?`:${t.line}`:""}: `:"";process.stderr.write(`${t.level}: ${p}${t.message}
`)}return(!e.quiet||!a.ok)&&process.stderr.write(`${a.ok?"\u2714":"\u2716"} ${n.name}: ${a.headline}
`),a}async function Q(n,s){let[e,...r]=n;if(!e||e==="--help"||e==="-h"||e==="help"){let o=r[0]?b(r[0]):void 0;return process.stdout.write((o?j(o):T)+`
`),0}if(e==="--version"||e==="-v")return process.stdout.write(`${G}
`),0;if(e==="steps"){for(let o of u)process.stdout.write(`${o.name.padEnd(20)} ${o.description.split(". ")[0]}
`);return 0}if(e==="registry"){let{registryCommand:o}=await import("../chunks/registry-WAS5BYHK.js");return o(r,s)}if(e==="endpoint"||e==="traffic"){let{endpointCommand:o,trafficCommand:m}=await import("../chunks/endpoint-355PUTCK.js");return e==="endpoint"?o(r):m(r,s)}if(e==="run"){let o=k(r,void 0);if(o.help)return process.stdout.write(T+`
`),0;let m=await P(o.inputs.config,process.cwd(),u),{jobs:v,notes:U}=F(m,process.cwd());if(v.length===0)throw m.path?new y("nothing to run: the config sets up no step",B(process.cwd(),m.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new y(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});for(let d of U)process.stderr.write(`main job: ${d}
`);let $={},R={},A=async d=>{await I($,R,o),(!o.quiet||!d)&&process.stderr.write(`main job: ${d?"passed":"failed"} (${Object.keys($).join(", ")})
`)},h=!0;for(let[d,{step:f,inputs:_}]of v.entries()){o.quiet||process.stderr.write(`\u2501\u2501 ${f.name} \u2501\u2501
`);let g;try{g=await J(f,{..._,...o.inputs},o,s)}catch(S){throw await A(!1),S}$[f.name]=g.outputs;for(let[S,H]of Object.entries(g.outputs))R[`${f.name}-${S}`]=H;if(!g.ok){h=!1;break}let w=M(f,g,v.slice(d+1),{config:o.inputs.config,manifest:o.inputs.manifest});if(w.go==="stop"){(!o.quiet||!w.ok)&&process.stderr.write(`main job: ${w.message}
`),h=w.ok;break}}return await A(h),h?0:1}let[i,...c]=r,a=e==="codepipeline"&&i!==void 0&&!i.startsWith("-")?["--operation",i,...c]:r,t=b(e);if(!t)throw new y(`unknown command (try: run, steps, registry, endpoint, traffic, ${u.map(o=>o.name).join(", ")})`,e);let p=k(a,t);if(p.help)return process.stdout.write(j(t)+`
`),0;let l=await J(t,p.inputs,p,s);return await I(l.outputs,l.outputs,p),l.ok?0:1}var Z=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";O({fail(n,s,e){process.stderr.write(`error: ${n}
`),s&&process.stderr.write(`hint: ${s}
`),e&&process.stderr.write(`${e}
`)},cancelling:n=>process.stderr.write(`
${n}
`)},{debug:Z,forceOnSecondSignal:!0},n=>Q(process.argv.slice(2),n)).then(n=>{process.exitCode=n??1});
