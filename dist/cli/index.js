#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as j}from"../chunks/chunk-ST67IJIE.js";import"../chunks/chunk-DAA7XV3Q.js";import{a as f,b as $}from"../chunks/chunk-OL62CQMD.js";import"../chunks/chunk-NQFMQTN4.js";import"../chunks/chunk-IX4WC3LE.js";import"../chunks/chunk-RZTBMWTD.js";import"../chunks/chunk-VJ245G2Q.js";import"../chunks/chunk-BTBTAIHU.js";import"../chunks/chunk-7YRYTY47.js";import{b as S,d as h,g as v,l as A,m as O,o as E,q as R}from"../chunks/chunk-CHILWQHF.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as l}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as q}from"node:fs/promises";import{relative as T}from"node:path";var U=new Set(["debug","quiet","help"]),J=new Set(["outputs-file","outputs-env"]);function b(n,r){let t=r?h(r):h({inputs:{}}),s=new Map;for(let[i,p]of Object.entries(t)){s.set(i,i);for(let e of p.cliAliases??[])s.set(e,i)}let o={inputs:{},debug:!1,quiet:!1,help:!1};for(let i=0;i<n.length;i++){let p=n[i];if(p==="-h"){o.help=!0;continue}if(!p.startsWith("--"))throw new l(`unexpected argument '${p}' (options are --name value)`,"command line");let[e,u]=p.slice(2).split(/=(.*)/s,2),a=u;if(U.has(e)){o[e]=a===void 0?!0:a==="true";continue}let g=e.startsWith("no-")&&s.has(e.slice(3))&&t[s.get(e.slice(3))].type==="boolean",d=g?s.get(e.slice(3)):s.get(e);if(!d&&!J.has(e))throw new l("unknown option (see --help for the options)",`--${e}`);if(g){o.inputs[d]="false";continue}let m=d!==void 0&&t[d].type==="boolean";if(a===void 0){let c=n[i+1];if(m&&(c===void 0||c.startsWith("--")||!/^(true|false)$/.test(c)))a="true";else{if(c===void 0)throw new l("needs a value",`--${e}`);a=n[++i]}}e==="outputs-file"?o.outputsFile=a:e==="outputs-env"?o.outputsEnv=a:o.inputs[d]=a}return o}function y(n){let r=[`modelship ${n.name} \u2014 ${n.description}`,"","Options:"];for(let[t,s]of Object.entries(h(n))){let o=n.required?.includes(t)?" (required)":"",i=s.default!==void 0?` [default: ${String(s.default)}]`:"",p=s.cliAliases?.length?` (also --${s.cliAliases.join(", --")})`:"";r.push(`  --${t} <${s.enum?s.enum.join("|"):s.type}>${o}${i}${p}`),r.push(`      ${s.description.replace(/`/g,"")}`)}return r.push("","Output options:","  --outputs-file <path>   also write the outputs as JSON to this file","  --outputs-env <path>     write `export MODELSHIP_<OUTPUT>=value` lines (source it in a CodeBuild buildspec)","  --quiet                 print only the outputs JSON","  --debug                 show stack traces and debug logs","","Outputs:",...Object.entries(n.outputs).map(([t,s])=>`  ${t}: ${s.replace(/`/g,"")}`)),r.join(`
`)}function k(n,r){let t=[];for(let s of f){let o=s.fromConfig?.(n,r);o&&t.push({step:s,inputs:o})}return t}var _="0.1.0",L=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${f.map(n=>n.name).join(", ")}
  modelship <step> --help       The step's inputs and outputs.
  modelship steps               List the steps.
  modelship registry list|show  The model registry (groups, versions, statuses, the champion).
  modelship endpoint status|stop <name>
                                A local endpoint deploy-canary started (router, variants, pids).
  modelship traffic --endpoint <name> --requests FILE --rate N --duration S
                                Replay requests through a local endpoint; a per-variant summary.
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function I(n){return`MODELSHIP_${n.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function B(n){return`'${n.replace(/'/g,"'\\''")}'`}async function P(n,r,t){if(process.stdout.write(JSON.stringify(n,null,2)+`
`),t.outputsFile&&await q(t.outputsFile,JSON.stringify(n,null,2)+`
`),t.outputsEnv){let s=Object.entries(r).map(([o,i])=>`export ${I(o)}=${B(i)}`);await q(t.outputsEnv,s.join(`
`)+`
`)}}async function C(n,r,t,s){let o=new S(process.stderr,t.debug),i=t.quiet?{info:()=>{},warn:e=>o.warn(e),error:e=>o.error(e),debug:e=>o.debug(e),group:(e,u)=>u()}:o,p=await O(n,r,{steps:f,log:i,cwd:process.cwd(),env:process.env,signal:s,debug:t.debug,state:new E,github:A(process.env),inputLabel:e=>`--${e}`});t.quiet||process.stderr.write(`
`+j(p.summary)+`
`);for(let e of p.annotations??[]){if(e.level==="notice"||t.quiet&&e.level!=="error")continue;let u=e.file?`${e.file}${e.line?`:${e.line}`:""}: `:"";process.stderr.write(`${e.level}: ${u}${e.message}
`)}return(!t.quiet||!p.ok)&&process.stderr.write(`${p.ok?"\u2714":"\u2716"} ${n.name}: ${p.headline}
`),p}async function D(n,r){let[t,...s]=n;if(!t||t==="--help"||t==="-h"||t==="help"){let e=s[0]?$(s[0]):void 0;return process.stdout.write((e?y(e):L)+`
`),0}if(t==="--version"||t==="-v")return process.stdout.write(`${_}
`),0;if(t==="steps"){for(let e of f)process.stdout.write(`${e.name.padEnd(20)} ${e.description.split(". ")[0]}
`);return 0}if(t==="registry"){let{registryCommand:e}=await import("../chunks/registry-UGI5FHME.js");return e(s,r)}if(t==="endpoint"||t==="traffic"){let{endpointCommand:e,trafficCommand:u}=await import("../chunks/endpoint-MTASB5LL.js");return t==="endpoint"?e(s):u(s,r)}if(t==="run"){let e=b(s,void 0);if(e.help)return process.stdout.write(L+`
`),0;let u=await v(e.inputs.config,process.cwd(),f),a=k(u,process.cwd());if(a.length===0)throw u.path?new l("nothing to run: the config sets up no step",T(process.cwd(),u.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new l(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let g={},d={},m=!0;for(let{step:c,inputs:x}of a){e.quiet||process.stderr.write(`\u2501\u2501 ${c.name} \u2501\u2501
`);let w=await C(c,{...x,...e.inputs},e,r);g[c.name]=w.outputs;for(let[N,F]of Object.entries(w.outputs))d[`${c.name}-${N}`]=F;if(!w.ok){m=!1;break}}return await P(g,d,e),(!e.quiet||!m)&&process.stderr.write(`main job: ${m?"passed":"failed"} (${Object.keys(g).join(", ")})
`),m?0:1}let o=$(t);if(!o)throw new l(`unknown command (try: run, steps, registry, endpoint, traffic, ${f.map(e=>e.name).join(", ")})`,t);let i=b(s,o);if(i.help)return process.stdout.write(y(o)+`
`),0;let p=await C(o,i.inputs,i,r);return await P(p.outputs,p.outputs,i),p.ok?0:1}var G=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";R({fail(n,r,t){process.stderr.write(`error: ${n}
`),r&&process.stderr.write(`hint: ${r}
`),t&&process.stderr.write(`${t}
`)},cancelling:n=>process.stderr.write(`
${n}
`)},{debug:G,forceOnSecondSignal:!0},n=>D(process.argv.slice(2),n)).then(n=>{process.exitCode=n??1});
