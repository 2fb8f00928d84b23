#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as F,b as L}from"../chunks/chunk-IBH2QOTF.js";import{a as I}from"../chunks/chunk-ST67IJIE.js";import{a as k,b as R}from"../chunks/chunk-IGQML3TO.js";import"../chunks/chunk-7JJUBIY7.js";import{a as u,b as S}from"../chunks/chunk-D2IDUOQF.js";import"../chunks/chunk-D63FD5YZ.js";import"../chunks/chunk-GH3SL2BW.js";import"../chunks/chunk-BHAIW4NW.js";import"../chunks/chunk-MWUXCKQS.js";import"../chunks/chunk-EPW3O4QH.js";import"../chunks/chunk-ZCDPM5NS.js";import"../chunks/chunk-JFSCOUZ7.js";import{b as j,i as C,n as O,p as P,r as q,t as N}from"../chunks/chunk-5RQHFTMS.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as w}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as x}from"node:fs/promises";import{relative as H}from"node:path";var G="0.1.0",D=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${u.map(r=>r.name).join(", ")}
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
  modelship iam-policy [--step S] [--config modelship.yml] [--account ID] [--region R]
                       [--format json|cloudformation]
                                The least-privilege IAM policy of the config's steps (or one step).
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function V(r){return`MODELSHIP_${r.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function W(r){return`'${r.replace(/'/g,"'\\''")}'`}async function M(r,o,e){if(process.stdout.write(JSON.stringify(r,null,2)+`
`),e.outputsFile&&await x(e.outputsFile,JSON.stringify(r,null,2)+`
`),e.outputsEnv){let s=Object.entries(o).map(([i,d])=>`export ${V(i)}=${W(d)}`);await x(e.outputsEnv,s.join(`
`)+`
`)}}async function T(r,o,e,s){let i=new j(process.stderr,e.debug),d=e.quiet?{info:()=>{},warn:n=>i.warn(n),error:n=>i.error(n),debug:n=>i.debug(n),group:(n,p)=>p()}:i,a=await P(r,o,{steps:u,log:d,cwd:process.cwd(),env:process.env,signal:s,debug:e.debug,state:new q,github:O(process.env),inputLabel:n=>`--${n}`});e.quiet||process.stderr.write(`
`+I(a.summary)+`
`);for(let n of a.annotations??[]){if(n.level==="notice"||e.quiet&&n.level!=="error")continue;let p=n.file?`${n.file}${n.line?`:${n.line}`:""}: `:"";process.stderr.write(`${n.level}: ${p}${n.message}
`)}return(!e.quiet||!a.ok)&&process.stderr.write(`${a.ok?"\u2714":"\u2716"} ${r.name}: ${a.headline}
`),a}async function B(r,o){let[e,...s]=r;if(!e||e==="--help"||e==="-h"||e==="help"){let t=s[0]?S(s[0]):void 0;return process.stdout.write((t?R(t):D)+`
`),0}if(e==="--version"||e==="-v")return process.stdout.write(`${G}
`),0;if(e==="steps"){for(let t of u)process.stdout.write(`${t.name.padEnd(20)} ${t.description.split(". ")[0]}
`);return 0}if(e==="registry"){let{registryCommand:t}=await import("../chunks/registry-CIFMCOC4.js");return t(s,o)}if(e==="iam-policy"){let{iamPolicyCommand:t}=await import("../chunks/iam-policy-NNT4R6IC.js");return t(s)}if(e==="endpoint"||e==="traffic"){let{endpointCommand:t,trafficCommand:l}=await import("../chunks/endpoint-ZZHWE7IL.js");return e==="endpoint"?t(s):l(s,o)}if(e==="run"){let t=k(s,void 0);if(t.help)return process.stdout.write(D+`
`),0;let l=await C(t.inputs.config,process.cwd(),u),{jobs:v,notes:U}=F(l,process.cwd());for(let c of U)process.stderr.write(`main job: ${c}
`);if(v.length===0)throw l.path?new w("nothing to run: the config sets up no step",H(process.cwd(),l.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new w(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let b={},E={},A=async c=>{await M(b,E,t),(!t.quiet||!c)&&process.stderr.write(`main job: ${c?"passed":"failed"} (${Object.keys(b).join(", ")})
`)},g=!0;for(let[c,{step:m,inputs:J}]of v.entries()){t.quiet||process.stderr.write(`\u2501\u2501 ${m.name} \u2501\u2501
`);let f;try{f=await T(m,{...J,...t.inputs},t,o)}catch($){throw await A(!1),$}b[m.name]=f.outputs;for(let[$,_]of Object.entries(f.outputs))E[`${m.name}-${$}`]=_;if(!f.ok){g=!1;break}let h=L(m,f,v.slice(c+1),{config:t.inputs.config,manifest:t.inputs.manifest});if(h.go==="stop"){(!t.quiet||!h.ok)&&process.stderr.write(`main job: ${h.message}
`),g=h.ok;break}}return await A(g),g?0:1}let[i,...d]=s,a=e==="codepipeline"&&i!==void 0&&!i.startsWith("-")?["--operation",i,...d]:s,n=S(e);if(!n)throw new w(`unknown command (try: run, steps, registry, endpoint, traffic, ${u.map(t=>t.name).join(", ")})`,e);let p=k(a,n);if(p.help)return process.stdout.write(R(n)+`
`),0;let y=await T(n,p.inputs,p,o);return await M(y.outputs,y.outputs,p),y.ok?0:1}var K=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";N({fail(r,o,e){process.stderr.write(`error: ${r}
`),o&&process.stderr.write(`hint: ${o}
`),e&&process.stderr.write(`${e}
`)},cancelling:r=>process.stderr.write(`
${r}
`)},{debug:K,forceOnSecondSignal:!0},r=>B(process.argv.slice(2),r)).then(r=>{process.exitCode=r??1});
