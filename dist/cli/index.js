#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as I}from"../chunks/chunk-33SUCXHL.js";import{a as L}from"../chunks/chunk-ST67IJIE.js";import{a as A,b as R}from"../chunks/chunk-7VHU244B.js";import"../chunks/chunk-O2LBEZZ2.js";import{a as u,b as S}from"../chunks/chunk-B7U3HTOX.js";import"../chunks/chunk-R5H6HJK2.js";import"../chunks/chunk-Z5ZTINGF.js";import"../chunks/chunk-AXUPBJOU.js";import"../chunks/chunk-T57AAMGJ.js";import"../chunks/chunk-NZI6ASPM.js";import"../chunks/chunk-PGTHYVUR.js";import"../chunks/chunk-XT56T2QG.js";import{b as j,h as O,m as C,o as P,q,s as N}from"../chunks/chunk-76RDCO57.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as w}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as x}from"node:fs/promises";import{relative as J}from"node:path";var M="0.1.0",F=`modelship \u2014 CI/CD for machine-learning models

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
  modelship iam-policy [--step S] [--config modelship.yml] [--account ID] [--region R]
                       [--format json|cloudformation]
                                The least-privilege IAM policy of the config's steps (or one step).
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function _(n){return`MODELSHIP_${n.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function H(n){return`'${n.replace(/'/g,"'\\''")}'`}async function D(n,o,e){if(process.stdout.write(JSON.stringify(n,null,2)+`
`),e.outputsFile&&await x(e.outputsFile,JSON.stringify(n,null,2)+`
`),e.outputsEnv){let s=Object.entries(o).map(([i,d])=>`export ${_(i)}=${H(d)}`);await x(e.outputsEnv,s.join(`
`)+`
`)}}async function T(n,o,e,s){let i=new j(process.stderr,e.debug),d=e.quiet?{info:()=>{},warn:r=>i.warn(r),error:r=>i.error(r),debug:r=>i.debug(r),group:(r,a)=>a()}:i,p=await P(n,o,{steps:u,log:d,cwd:process.cwd(),env:process.env,signal:s,debug:e.debug,state:new q,github:C(process.env),inputLabel:r=>`--${r}`});e.quiet||process.stderr.write(`
`+L(p.summary)+`
`);for(let r of p.annotations??[]){if(r.level==="notice"||e.quiet&&r.level!=="error")continue;let a=r.file?`${r.file}${r.line?`:${r.line}`:""}: `:"";process.stderr.write(`${r.level}: ${a}${r.message}
`)}return(!e.quiet||!p.ok)&&process.stderr.write(`${p.ok?"\u2714":"\u2716"} ${n.name}: ${p.headline}
`),p}async function G(n,o){let[e,...s]=n;if(!e||e==="--help"||e==="-h"||e==="help"){let t=s[0]?S(s[0]):void 0;return process.stdout.write((t?R(t):F)+`
`),0}if(e==="--version"||e==="-v")return process.stdout.write(`${M}
`),0;if(e==="steps"){for(let t of u)process.stdout.write(`${t.name.padEnd(20)} ${t.description.split(". ")[0]}
`);return 0}if(e==="registry"){let{registryCommand:t}=await import("../chunks/registry-QMIILJ6B.js");return t(s,o)}if(e==="iam-policy"){let{iamPolicyCommand:t}=await import("../chunks/iam-policy-AV53STZR.js");return t(s)}if(e==="endpoint"||e==="traffic"){let{endpointCommand:t,trafficCommand:l}=await import("../chunks/endpoint-EARKLXOC.js");return e==="endpoint"?t(s):l(s,o)}if(e==="run"){let t=A(s,void 0);if(t.help)return process.stdout.write(F+`
`),0;let l=await O(t.inputs.config,process.cwd(),u),g=I(l,process.cwd());if(g.length===0)throw l.path?new w("nothing to run: the config sets up no step",J(process.cwd(),l.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new w(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let $={},k={},h=!0;for(let{step:c,inputs:U}of g){t.quiet||process.stderr.write(`\u2501\u2501 ${c.name} \u2501\u2501
`);let m=await T(c,{...U,...t.inputs},t,o);$[c.name]=m.outputs;for(let[f,b]of Object.entries(m.outputs))k[`${c.name}-${f}`]=b;if(!m.ok){h=!1;break}let E=g.slice(g.findIndex(f=>f.step===c)+1),y=m.outputs["approval-status"];if(c.name==="register"&&y&&y!=="Approved"&&E.length>0){let f=m.outputs["model-package-arn"]??"";t.quiet||process.stderr.write(`main job: stops at the approval gate: ${f} is ${y}. Approve it (modelship register --operation approve${t.inputs.manifest?` --manifest ${t.inputs.manifest}`:""}), then run ${E.map(b=>`modelship ${b.step.name}`).join(", then ")}
`);break}}return await D($,k,t),(!t.quiet||!h)&&process.stderr.write(`main job: ${h?"passed":"failed"} (${Object.keys($).join(", ")})
`),h?0:1}let[i,...d]=s,p=e==="codepipeline"&&i!==void 0&&!i.startsWith("-")?["--operation",i,...d]:s,r=S(e);if(!r)throw new w(`unknown command (try: run, steps, registry, endpoint, traffic, ${u.map(t=>t.name).join(", ")})`,e);let a=A(p,r);if(a.help)return process.stdout.write(R(r)+`
`),0;let v=await T(r,a.inputs,a,o);return await D(v.outputs,v.outputs,a),v.ok?0:1}var W=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";N({fail(n,o,e){process.stderr.write(`error: ${n}
`),o&&process.stderr.write(`hint: ${o}
`),e&&process.stderr.write(`${e}
`)},cancelling:n=>process.stderr.write(`
${n}
`)},{debug:W,forceOnSecondSignal:!0},n=>G(process.argv.slice(2),n)).then(n=>{process.exitCode=n??1});
