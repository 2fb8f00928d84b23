#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as A,b as k,d as N}from"../chunks/chunk-GM7YB2QR.js";import"../chunks/chunk-L2X6LB57.js";import{a as c,b as S}from"../chunks/chunk-ZWKBDP3G.js";import"../chunks/chunk-TTXY6VBH.js";import"../chunks/chunk-6T3TII5T.js";import"../chunks/chunk-KZTPGO3D.js";import"../chunks/chunk-VWBI4MBN.js";import"../chunks/chunk-76YTB6NO.js";import"../chunks/chunk-KJZKJDTM.js";import"../chunks/chunk-ACI44H2S.js";import{b as j,h as C,m as O,n as L,p as P,r as q}from"../chunks/chunk-FC5G3KFT.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as w}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as x}from"node:fs/promises";import{relative as U}from"node:path";function F(t,o){let e=[];for(let s of c){let i=s.fromConfig?.(t,o);i&&e.push({step:s,inputs:i})}return e}var M="0.1.0",I=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${c.map(t=>t.name).join(", ")}
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
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function _(t){return`MODELSHIP_${t.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function H(t){return`'${t.replace(/'/g,"'\\''")}'`}async function D(t,o,e){if(process.stdout.write(JSON.stringify(t,null,2)+`
`),e.outputsFile&&await x(e.outputsFile,JSON.stringify(t,null,2)+`
`),e.outputsEnv){let s=Object.entries(o).map(([i,d])=>`export ${_(i)}=${H(d)}`);await x(e.outputsEnv,s.join(`
`)+`
`)}}async function J(t,o,e,s){let i=new j(process.stderr,e.debug),d=e.quiet?{info:()=>{},warn:n=>i.warn(n),error:n=>i.error(n),debug:n=>i.debug(n),group:(n,a)=>a()}:i,p=await L(t,o,{steps:c,log:d,cwd:process.cwd(),env:process.env,signal:s,debug:e.debug,state:new P,github:O(process.env),inputLabel:n=>`--${n}`});e.quiet||process.stderr.write(`
`+N(p.summary)+`
`);for(let n of p.annotations??[]){if(n.level==="notice"||e.quiet&&n.level!=="error")continue;let a=n.file?`${n.file}${n.line?`:${n.line}`:""}: `:"";process.stderr.write(`${n.level}: ${a}${n.message}
`)}return(!e.quiet||!p.ok)&&process.stderr.write(`${p.ok?"\u2714":"\u2716"} ${t.name}: ${p.headline}
`),p}async function G(t,o){let[e,...s]=t;if(!e||e==="--help"||e==="-h"||e==="help"){let r=s[0]?S(s[0]):void 0;return process.stdout.write((r?k(r):I)+`
`),0}if(e==="--version"||e==="-v")return process.stdout.write(`${M}
`),0;if(e==="steps"){for(let r of c)process.stdout.write(`${r.name.padEnd(20)} ${r.description.split(". ")[0]}
`);return 0}if(e==="registry"){let{registryCommand:r}=await import("../chunks/registry-ATWKDELB.js");return r(s,o)}if(e==="endpoint"||e==="traffic"){let{endpointCommand:r,trafficCommand:l}=await import("../chunks/endpoint-3OYDJMHS.js");return e==="endpoint"?r(s):l(s,o)}if(e==="run"){let r=A(s,void 0);if(r.help)return process.stdout.write(I+`
`),0;let l=await C(r.inputs.config,process.cwd(),c),g=F(l,process.cwd());if(g.length===0)throw l.path?new w("nothing to run: the config sets up no step",U(process.cwd(),l.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new w(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let y={},E={},h=!0;for(let{step:u,inputs:T}of g){r.quiet||process.stderr.write(`\u2501\u2501 ${u.name} \u2501\u2501
`);let m=await J(u,{...T,...r.inputs},r,o);y[u.name]=m.outputs;for(let[f,b]of Object.entries(m.outputs))E[`${u.name}-${f}`]=b;if(!m.ok){h=!1;break}let R=g.slice(g.findIndex(f=>f.step===u)+1),$=m.outputs["approval-status"];if(u.name==="register"&&$&&$!=="Approved"&&R.length>0){let f=m.outputs["model-package-arn"]??"";r.quiet||process.stderr.write(`main job: stops at the approval gate: ${f} is ${$}. Approve it (modelship register --operation approve${r.inputs.manifest?` --manifest ${r.inputs.manifest}`:""}), then run ${R.map(b=>`modelship ${b.step.name}`).join(", then ")}
`);break}}return await D(y,E,r),(!r.quiet||!h)&&process.stderr.write(`main job: ${h?"passed":"failed"} (${Object.keys(y).join(", ")})
`),h?0:1}let[i,...d]=s,p=e==="codepipeline"&&i!==void 0&&!i.startsWith("-")?["--operation",i,...d]:s,n=S(e);if(!n)throw new w(`unknown command (try: run, steps, registry, endpoint, traffic, ${c.map(r=>r.name).join(", ")})`,e);let a=A(p,n);if(a.help)return process.stdout.write(k(n)+`
`),0;let v=await J(n,a.inputs,a,o);return await D(v.outputs,v.outputs,a),v.ok?0:1}var V=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";q({fail(t,o,e){process.stderr.write(`error: ${t}
`),o&&process.stderr.write(`hint: ${o}
`),e&&process.stderr.write(`${e}
`)},cancelling:t=>process.stderr.write(`
${t}
`)},{debug:V,forceOnSecondSignal:!0},t=>G(process.argv.slice(2),t)).then(t=>{process.exitCode=t??1});
