#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as y,b,d as q}from"../chunks/chunk-ZYJQTTUY.js";import"../chunks/chunk-V6A7UPJJ.js";import{a as u,b as v}from"../chunks/chunk-DBXCG72Q.js";import"../chunks/chunk-ZKVPTKVW.js";import"../chunks/chunk-PP4HDKX2.js";import"../chunks/chunk-APWYNI5E.js";import"../chunks/chunk-FC62JUHO.js";import"../chunks/chunk-OPCXQPUH.js";import"../chunks/chunk-J5USOSCP.js";import"../chunks/chunk-MGOIBT6J.js";import{b as A,h as k,m as E,n as j,p as C,r as O}from"../chunks/chunk-YOZ433WK.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as g}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as P}from"node:fs/promises";import{relative as J}from"node:path";function L(r,o){let t=[];for(let s of u){let n=s.fromConfig?.(r,o);n&&t.push({step:s,inputs:n})}return t}var T="0.1.0",N=`modelship \u2014 CI/CD for machine-learning models

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
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function U(r){return`MODELSHIP_${r.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function D(r){return`'${r.replace(/'/g,"'\\''")}'`}async function x(r,o,t){if(process.stdout.write(JSON.stringify(r,null,2)+`
`),t.outputsFile&&await P(t.outputsFile,JSON.stringify(r,null,2)+`
`),t.outputsEnv){let s=Object.entries(o).map(([n,a])=>`export ${U(n)}=${D(a)}`);await P(t.outputsEnv,s.join(`
`)+`
`)}}async function F(r,o,t,s){let n=new A(process.stderr,t.debug),a=t.quiet?{info:()=>{},warn:e=>n.warn(e),error:e=>n.error(e),debug:e=>n.debug(e),group:(e,p)=>p()}:n,i=await j(r,o,{steps:u,log:a,cwd:process.cwd(),env:process.env,signal:s,debug:t.debug,state:new C,github:E(process.env),inputLabel:e=>`--${e}`});t.quiet||process.stderr.write(`
`+q(i.summary)+`
`);for(let e of i.annotations??[]){if(e.level==="notice"||t.quiet&&e.level!=="error")continue;let p=e.file?`${e.file}${e.line?`:${e.line}`:""}: `:"";process.stderr.write(`${e.level}: ${p}${e.message}
`)}return(!t.quiet||!i.ok)&&process.stderr.write(`${i.ok?"\u2714":"\u2716"} ${r.name}: ${i.headline}
`),i}async function _(r,o){let[t,...s]=r;if(!t||t==="--help"||t==="-h"||t==="help"){let e=s[0]?v(s[0]):void 0;return process.stdout.write((e?b(e):N)+`
`),0}if(t==="--version"||t==="-v")return process.stdout.write(`${T}
`),0;if(t==="steps"){for(let e of u)process.stdout.write(`${e.name.padEnd(20)} ${e.description.split(". ")[0]}
`);return 0}if(t==="registry"){let{registryCommand:e}=await import("../chunks/registry-MQHUCJ4B.js");return e(s,o)}if(t==="endpoint"||t==="traffic"){let{endpointCommand:e,trafficCommand:p}=await import("../chunks/endpoint-EVI4T7A5.js");return t==="endpoint"?e(s):p(s,o)}if(t==="run"){let e=y(s,void 0);if(e.help)return process.stdout.write(N+`
`),0;let p=await k(e.inputs.config,process.cwd(),u),l=L(p,process.cwd());if(l.length===0)throw p.path?new g("nothing to run: the config sets up no step",J(process.cwd(),p.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new g(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let h={},S={},f=!0;for(let{step:c,inputs:I}of l){e.quiet||process.stderr.write(`\u2501\u2501 ${c.name} \u2501\u2501
`);let d=await F(c,{...I,...e.inputs},e,o);h[c.name]=d.outputs;for(let[m,$]of Object.entries(d.outputs))S[`${c.name}-${m}`]=$;if(!d.ok){f=!1;break}let R=l.slice(l.findIndex(m=>m.step===c)+1),w=d.outputs["approval-status"];if(c.name==="register"&&w&&w!=="Approved"&&R.length>0){let m=d.outputs["model-package-arn"]??"";e.quiet||process.stderr.write(`main job: stops at the approval gate: ${m} is ${w}. Approve it (modelship register --operation approve${e.inputs.manifest?` --manifest ${e.inputs.manifest}`:""}), then run ${R.map($=>`modelship ${$.step.name}`).join(", then ")}
`);break}}return await x(h,S,e),(!e.quiet||!f)&&process.stderr.write(`main job: ${f?"passed":"failed"} (${Object.keys(h).join(", ")})
`),f?0:1}let n=v(t);if(!n)throw new g(`unknown command (try: run, steps, registry, endpoint, traffic, ${u.map(e=>e.name).join(", ")})`,t);let a=y(s,n);if(a.help)return process.stdout.write(b(n)+`
`),0;let i=await F(n,a.inputs,a,o);return await x(i.outputs,i.outputs,a),i.ok?0:1}var H=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";O({fail(r,o,t){process.stderr.write(`error: ${r}
`),o&&process.stderr.write(`hint: ${o}
`),t&&process.stderr.write(`${t}
`)},cancelling:r=>process.stderr.write(`
${r}
`)},{debug:H,forceOnSecondSignal:!0},r=>_(process.argv.slice(2),r)).then(r=>{process.exitCode=r??1});
