#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as A,b as R,d as N}from"../chunks/chunk-XZYBFPJS.js";import"../chunks/chunk-X5ZWAAH5.js";import{a as u,b as S}from"../chunks/chunk-N2M6BH4N.js";import"../chunks/chunk-NO7FNFWH.js";import"../chunks/chunk-PB7VG3JX.js";import"../chunks/chunk-LXIYZLXH.js";import"../chunks/chunk-WZ3QXLXO.js";import"../chunks/chunk-IU4JKW6O.js";import"../chunks/chunk-BPWLFTXS.js";import"../chunks/chunk-ZFVCJ47E.js";import{b as j,h as C,m as O,n as P,p as q,r as L}from"../chunks/chunk-BFZD6MWL.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as w}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as F}from"node:fs/promises";import{relative as D}from"node:path";function x(t,o){let e=[];for(let s of u){let i=s.fromConfig?.(t,o);i&&e.push({step:s,inputs:i})}return e}var _="0.1.0",I=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${u.map(t=>t.name).join(", ")}
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
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function H(t){return`MODELSHIP_${t.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function M(t){return`'${t.replace(/'/g,"'\\''")}'`}async function J(t,o,e){if(process.stdout.write(JSON.stringify(t,null,2)+`
`),e.outputsFile&&await F(e.outputsFile,JSON.stringify(t,null,2)+`
`),e.outputsEnv){let s=Object.entries(o).map(([i,d])=>`export ${H(i)}=${M(d)}`);await F(e.outputsEnv,s.join(`
`)+`
`)}}async function T(t,o,e,s){let i=new j(process.stderr,e.debug),d=e.quiet?{info:()=>{},warn:r=>i.warn(r),error:r=>i.error(r),debug:r=>i.debug(r),group:(r,a)=>a()}:i,p=await P(t,o,{steps:u,log:d,cwd:process.cwd(),env:process.env,signal:s,debug:e.debug,state:new q,github:O(process.env),inputLabel:r=>`--${r}`});e.quiet||process.stderr.write(`
`+N(p.summary)+`
`);for(let r of p.annotations??[]){if(r.level==="notice"||e.quiet&&r.level!=="error")continue;let a=r.file?`${r.file}${r.line?`:${r.line}`:""}: `:"";process.stderr.write(`${r.level}: ${a}${r.message}
`)}return(!e.quiet||!p.ok)&&process.stderr.write(`${p.ok?"\u2714":"\u2716"} ${t.name}: ${p.headline}
`),p}async function G(t,o){let[e,...s]=t;if(!e||e==="--help"||e==="-h"||e==="help"){let n=s[0]?S(s[0]):void 0;return process.stdout.write((n?R(n):I)+`
`),0}if(e==="--version"||e==="-v")return process.stdout.write(`${_}
`),0;if(e==="steps"){for(let n of u)process.stdout.write(`${n.name.padEnd(20)} ${n.description.split(". ")[0]}
`);return 0}if(e==="registry"){let{registryCommand:n}=await import("../chunks/registry-WFVJTQLP.js");return n(s,o)}if(e==="endpoint"||e==="traffic"){let{endpointCommand:n,trafficCommand:l}=await import("../chunks/endpoint-G2THEAGT.js");return e==="endpoint"?n(s):l(s,o)}if(e==="run"){let n=A(s,void 0);if(n.help)return process.stdout.write(I+`
`),0;let l=await C(n.inputs.config,process.cwd(),u),g=x(l,process.cwd());if(g.length===0)throw l.path?new w("nothing to run: the config sets up no step",D(process.cwd(),l.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new w(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let $={},k={},h=!0;for(let{step:c,inputs:U}of g){n.quiet||process.stderr.write(`\u2501\u2501 ${c.name} \u2501\u2501
`);let m=await T(c,{...U,...n.inputs},n,o);$[c.name]=m.outputs;for(let[f,b]of Object.entries(m.outputs))k[`${c.name}-${f}`]=b;if(!m.ok){h=!1;break}let E=g.slice(g.findIndex(f=>f.step===c)+1),y=m.outputs["approval-status"];if(c.name==="register"&&y&&y!=="Approved"&&E.length>0){let f=m.outputs["model-package-arn"]??"";n.quiet||process.stderr.write(`main job: stops at the approval gate: ${f} is ${y}. Approve it (modelship register --operation approve${n.inputs.manifest?` --manifest ${n.inputs.manifest}`:""}), then run ${E.map(b=>`modelship ${b.step.name}`).join(", then ")}
`);break}}return await J($,k,n),(!n.quiet||!h)&&process.stderr.write(`main job: ${h?"passed":"failed"} (${Object.keys($).join(", ")})
`),h?0:1}let[i,...d]=s,p=e==="codepipeline"&&i!==void 0&&!i.startsWith("-")?["--operation",i,...d]:s,r=S(e);if(!r)throw new w(`unknown command (try: run, steps, registry, endpoint, traffic, ${u.map(n=>n.name).join(", ")})`,e);let a=A(p,r);if(a.help)return process.stdout.write(R(r)+`
`),0;let v=await T(r,a.inputs,a,o);return await J(v.outputs,v.outputs,a),v.ok?0:1}var W=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";L({fail(t,o,e){process.stderr.write(`error: ${t}
`),o&&process.stderr.write(`hint: ${o}
`),e&&process.stderr.write(`${e}
`)},cancelling:t=>process.stderr.write(`
${t}
`)},{debug:W,forceOnSecondSignal:!0},t=>G(process.argv.slice(2),t)).then(t=>{process.exitCode=t??1});
