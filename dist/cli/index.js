#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as h,b as w,d as k}from"../chunks/chunk-PY7NFPFN.js";import"../chunks/chunk-URTJG32E.js";import{a as u,b as g}from"../chunks/chunk-345GGE2F.js";import"../chunks/chunk-YN2MWFH2.js";import"../chunks/chunk-DYXUPDJ2.js";import"../chunks/chunk-E4EK3IPY.js";import"../chunks/chunk-SZWOLBIQ.js";import"../chunks/chunk-GVQQO5AR.js";import"../chunks/chunk-X2EUNSO7.js";import{b as v,h as $,m as S,n as R,p as E,r as A}from"../chunks/chunk-X7LCDYFH.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as m}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as O}from"node:fs/promises";import{relative as x}from"node:path";function C(r,o){let t=[];for(let n of u){let s=n.fromConfig?.(r,o);s&&t.push({step:n,inputs:s})}return t}var J="0.1.0",j=`modelship \u2014 CI/CD for machine-learning models

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
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function T(r){return`MODELSHIP_${r.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function U(r){return`'${r.replace(/'/g,"'\\''")}'`}async function L(r,o,t){if(process.stdout.write(JSON.stringify(r,null,2)+`
`),t.outputsFile&&await O(t.outputsFile,JSON.stringify(r,null,2)+`
`),t.outputsEnv){let n=Object.entries(o).map(([s,a])=>`export ${T(s)}=${U(a)}`);await O(t.outputsEnv,n.join(`
`)+`
`)}}async function P(r,o,t,n){let s=new v(process.stderr,t.debug),a=t.quiet?{info:()=>{},warn:e=>s.warn(e),error:e=>s.error(e),debug:e=>s.debug(e),group:(e,p)=>p()}:s,i=await R(r,o,{steps:u,log:a,cwd:process.cwd(),env:process.env,signal:n,debug:t.debug,state:new E,github:S(process.env),inputLabel:e=>`--${e}`});t.quiet||process.stderr.write(`
`+k(i.summary)+`
`);for(let e of i.annotations??[]){if(e.level==="notice"||t.quiet&&e.level!=="error")continue;let p=e.file?`${e.file}${e.line?`:${e.line}`:""}: `:"";process.stderr.write(`${e.level}: ${p}${e.message}
`)}return(!t.quiet||!i.ok)&&process.stderr.write(`${i.ok?"\u2714":"\u2716"} ${r.name}: ${i.headline}
`),i}async function D(r,o){let[t,...n]=r;if(!t||t==="--help"||t==="-h"||t==="help"){let e=n[0]?g(n[0]):void 0;return process.stdout.write((e?w(e):j)+`
`),0}if(t==="--version"||t==="-v")return process.stdout.write(`${J}
`),0;if(t==="steps"){for(let e of u)process.stdout.write(`${e.name.padEnd(20)} ${e.description.split(". ")[0]}
`);return 0}if(t==="registry"){let{registryCommand:e}=await import("../chunks/registry-ZWGBJMGZ.js");return e(n,o)}if(t==="endpoint"||t==="traffic"){let{endpointCommand:e,trafficCommand:p}=await import("../chunks/endpoint-OO66IAJC.js");return t==="endpoint"?e(n):p(n,o)}if(t==="run"){let e=h(n,void 0);if(e.help)return process.stdout.write(j+`
`),0;let p=await $(e.inputs.config,process.cwd(),u),y=C(p,process.cwd());if(y.length===0)throw p.path?new m("nothing to run: the config sets up no step",x(process.cwd(),p.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new m(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let f={},b={},c=!0;for(let{step:d,inputs:q}of y){e.quiet||process.stderr.write(`\u2501\u2501 ${d.name} \u2501\u2501
`);let l=await P(d,{...q,...e.inputs},e,o);f[d.name]=l.outputs;for(let[N,F]of Object.entries(l.outputs))b[`${d.name}-${N}`]=F;if(!l.ok){c=!1;break}}return await L(f,b,e),(!e.quiet||!c)&&process.stderr.write(`main job: ${c?"passed":"failed"} (${Object.keys(f).join(", ")})
`),c?0:1}let s=g(t);if(!s)throw new m(`unknown command (try: run, steps, registry, endpoint, traffic, ${u.map(e=>e.name).join(", ")})`,t);let a=h(n,s);if(a.help)return process.stdout.write(w(s)+`
`),0;let i=await P(s,a.inputs,a,o);return await L(i.outputs,i.outputs,a),i.ok?0:1}var I=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";A({fail(r,o,t){process.stderr.write(`error: ${r}
`),o&&process.stderr.write(`hint: ${o}
`),t&&process.stderr.write(`${t}
`)},cancelling:r=>process.stderr.write(`
${r}
`)},{debug:I,forceOnSecondSignal:!0},r=>D(process.argv.slice(2),r)).then(r=>{process.exitCode=r??1});
