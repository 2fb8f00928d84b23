#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as j}from"../chunks/chunk-ST67IJIE.js";import"../chunks/chunk-RM2T4243.js";import{a as f,b as $}from"../chunks/chunk-XXF7YYE3.js";import"../chunks/chunk-QOIJDE6S.js";import"../chunks/chunk-OQ6ESJZ4.js";import"../chunks/chunk-DD6IEU3M.js";import"../chunks/chunk-HLIQJILH.js";import"../chunks/chunk-OYE5VGUS.js";import{b as y,d as h,g as v,l as A,m as O,o as E,q as R}from"../chunks/chunk-75XZBNYG.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as d}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as L}from"node:fs/promises";import{relative as T}from"node:path";var U=new Set(["debug","quiet","help"]),J=new Set(["outputs-file","outputs-env"]);function b(s,r){let t=r?h(r):h({inputs:{}}),n=new Map;for(let[i,p]of Object.entries(t)){n.set(i,i);for(let e of p.cliAliases??[])n.set(e,i)}let o={inputs:{},debug:!1,quiet:!1,help:!1};for(let i=0;i<s.length;i++){let p=s[i];if(p==="-h"){o.help=!0;continue}if(!p.startsWith("--"))throw new d(`unexpected argument '${p}' (options are --name value)`,"command line");let[e,a]=p.slice(2).split(/=(.*)/s,2),u=a;if(U.has(e)){o[e]=u===void 0?!0:u==="true";continue}let g=e.startsWith("no-")&&n.has(e.slice(3))&&t[n.get(e.slice(3))].type==="boolean",l=g?n.get(e.slice(3)):n.get(e);if(!l&&!J.has(e))throw new d("unknown option (see --help for the options)",`--${e}`);if(g){o.inputs[l]="false";continue}let m=l!==void 0&&t[l].type==="boolean";if(u===void 0){let c=s[i+1];if(m&&(c===void 0||c.startsWith("--")||!/^(true|false)$/.test(c)))u="true";else{if(c===void 0)throw new d("needs a value",`--${e}`);u=s[++i]}}e==="outputs-file"?o.outputsFile=u:e==="outputs-env"?o.outputsEnv=u:o.inputs[l]=u}return o}function S(s){let r=[`modelship ${s.name} \u2014 ${s.description}`,"","Options:"];for(let[t,n]of Object.entries(h(s))){let o=s.required?.includes(t)?" (required)":"",i=n.default!==void 0?` [default: ${String(n.default)}]`:"",p=n.cliAliases?.length?` (also --${n.cliAliases.join(", --")})`:"";r.push(`  --${t} <${n.enum?n.enum.join("|"):n.type}>${o}${i}${p}`),r.push(`      ${n.description.replace(/`/g,"")}`)}return r.push("","Output options:","  --outputs-file <path>   also write the outputs as JSON to this file","  --outputs-env <path>     write `export MODELSHIP_<OUTPUT>=value` lines (source it in a CodeBuild buildspec)","  --quiet                 print only the outputs JSON","  --debug                 show stack traces and debug logs","","Outputs:",...Object.entries(s.outputs).map(([t,n])=>`  ${t}: ${n.replace(/`/g,"")}`)),r.join(`
`)}function k(s,r){let t=[];for(let n of f){let o=n.fromConfig?.(s,r);o&&t.push({step:n,inputs:o})}return t}var _="0.1.0",P=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${f.map(s=>s.name).join(", ")}
  modelship <step> --help       The step's inputs and outputs.
  modelship steps               List the steps.
  modelship registry list|show  The model registry (groups, versions, statuses, the champion).
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function B(s){return`MODELSHIP_${s.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function D(s){return`'${s.replace(/'/g,"'\\''")}'`}async function q(s,r,t){if(process.stdout.write(JSON.stringify(s,null,2)+`
`),t.outputsFile&&await L(t.outputsFile,JSON.stringify(s,null,2)+`
`),t.outputsEnv){let n=Object.entries(r).map(([o,i])=>`export ${B(o)}=${D(i)}`);await L(t.outputsEnv,n.join(`
`)+`
`)}}async function C(s,r,t,n){let o=new y(process.stderr,t.debug),i=t.quiet?{info:()=>{},warn:e=>o.warn(e),error:e=>o.error(e),debug:e=>o.debug(e),group:(e,a)=>a()}:o,p=await O(s,r,{steps:f,log:i,cwd:process.cwd(),env:process.env,signal:n,debug:t.debug,state:new E,github:A(process.env),inputLabel:e=>`--${e}`});t.quiet||process.stderr.write(`
`+j(p.summary)+`
`);for(let e of p.annotations??[]){if(e.level==="notice"||t.quiet&&e.level!=="error")continue;let a=e.file?`${e.file}${e.line?`:${e.line}`:""}: `:"";process.stderr.write(`${e.level}: ${a}${e.message}
`)}return(!t.quiet||!p.ok)&&process.stderr.write(`${p.ok?"\u2714":"\u2716"} ${s.name}: ${p.headline}
`),p}async function G(s,r){let[t,...n]=s;if(!t||t==="--help"||t==="-h"||t==="help"){let e=n[0]?$(n[0]):void 0;return process.stdout.write((e?S(e):P)+`
`),0}if(t==="--version"||t==="-v")return process.stdout.write(`${_}
`),0;if(t==="steps"){for(let e of f)process.stdout.write(`${e.name.padEnd(20)} ${e.description.split(". ")[0]}
`);return 0}if(t==="registry"){let{registryCommand:e}=await import("../chunks/registry-E6WLV7DJ.js");return e(n,r)}if(t==="run"){let e=b(n,void 0);if(e.help)return process.stdout.write(P+`
`),0;let a=await v(e.inputs.config,process.cwd(),f),u=k(a,process.cwd());if(u.length===0)throw a.path?new d("nothing to run: the config sets up no step",T(process.cwd(),a.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new d(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let g={},l={},m=!0;for(let{step:c,inputs:x}of u){e.quiet||process.stderr.write(`\u2501\u2501 ${c.name} \u2501\u2501
`);let w=await C(c,{...x,...e.inputs},e,r);g[c.name]=w.outputs;for(let[N,F]of Object.entries(w.outputs))l[`${c.name}-${N}`]=F;if(!w.ok){m=!1;break}}return await q(g,l,e),(!e.quiet||!m)&&process.stderr.write(`main job: ${m?"passed":"failed"} (${Object.keys(g).join(", ")})
`),m?0:1}let o=$(t);if(!o)throw new d(`unknown command (try: run, steps, registry, ${f.map(e=>e.name).join(", ")})`,t);let i=b(n,o);if(i.help)return process.stdout.write(S(o)+`
`),0;let p=await C(o,i.inputs,i,r);return await q(p.outputs,p.outputs,i),p.ok?0:1}var H=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";R({fail(s,r,t){process.stderr.write(`error: ${s}
`),r&&process.stderr.write(`hint: ${r}
`),t&&process.stderr.write(`${t}
`)},cancelling:s=>process.stderr.write(`
${s}
`)},{debug:H,forceOnSecondSignal:!0},s=>G(process.argv.slice(2),s)).then(s=>{process.exitCode=s??1});
