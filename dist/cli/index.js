#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as f,b as $}from"../chunks/chunk-AM3FL6IK.js";import"../chunks/chunk-CY6CXFBH.js";import"../chunks/chunk-PAOPBI2Y.js";import{a as v,c as h,e as A,i as x,k as O,l as E}from"../chunks/chunk-JWPZPNXB.js";import"../chunks/chunk-XVHGKZ4J.js";import"../chunks/chunk-BXA3K3GB.js";import"../chunks/chunk-2LYWVLRT.js";import"../chunks/chunk-YJK6IV2H.js";import"../chunks/chunk-WGXSXCWM.js";import"../chunks/chunk-XHY6GP7A.js";import{a as g}from"../chunks/chunk-SQOLVGOL.js";import"../chunks/chunk-YM6EUCDN.js";import"../chunks/chunk-HB7SSETK.js";import"../chunks/chunk-RKOKF4W3.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as k}from"node:fs/promises";var T=new Set(["debug","quiet","help"]),M=new Set(["outputs-file","outputs-env"]);function b(n,s){let e=s?h(s):h({inputs:{}}),t=new Map;for(let[o,p]of Object.entries(e)){t.set(o,o);for(let i of p.cliAliases??[])t.set(i,o)}let r={inputs:{},debug:!1,quiet:!1,help:!1};for(let o=0;o<n.length;o++){let p=n[o];if(p==="-h"){r.help=!0;continue}if(!p.startsWith("--"))throw new g(`unexpected argument '${p}' (options are --name value)`,"command line");let[i,l]=p.slice(2).split(/=(.*)/s,2),a=l;if(T.has(i)){r[i]=a===void 0?!0:a==="true";continue}let c=i.startsWith("no-")&&t.has(i.slice(3))&&e[t.get(i.slice(3))].type==="boolean",u=c?t.get(i.slice(3)):t.get(i);if(!u&&!M.has(i))throw new g("unknown option (see --help for the options)",`--${i}`);if(c){r.inputs[u]="false";continue}let m=u!==void 0&&e[u].type==="boolean";if(a===void 0){let d=n[o+1];if(m&&(d===void 0||d.startsWith("--")||!/^(true|false)$/.test(d)))a="true";else{if(d===void 0)throw new g("needs a value",`--${i}`);a=n[++o]}}i==="outputs-file"?r.outputsFile=a:i==="outputs-env"?r.outputsEnv=a:r.inputs[u]=a}return r}function S(n){let s=[`modelship ${n.name} \u2014 ${n.description}`,"","Options:"];for(let[e,t]of Object.entries(h(n))){let r=n.required?.includes(e)?" (required)":"",o=t.default!==void 0?` [default: ${String(t.default)}]`:"",p=t.cliAliases?.length?` (also --${t.cliAliases.join(", --")})`:"";s.push(`  --${e} <${t.enum?t.enum.join("|"):t.type}>${r}${o}${p}`),s.push(`      ${t.description.replace(/`/g,"")}`)}return s.push("","Output options:","  --outputs-file <path>   also write the outputs as JSON to this file","  --outputs-env <path>     write `export MODELSHIP_<OUTPUT>=value` lines (source it in a CodeBuild buildspec)","  --quiet                 print only the outputs JSON","  --debug                 show stack traces and debug logs","","Outputs:",...Object.entries(n.outputs).map(([e,t])=>`  ${e}: ${t.replace(/`/g,"")}`)),s.join(`
`)}function R(n,s){let e=[];for(let t of f){let r=t.fromConfig?.(n,s);r&&e.push({step:t,inputs:r})}return e}function j(n){let s=[],e=n.split(`
`);for(let t=0;t<e.length;t++){let r=e[t];if(r.startsWith("```mermaid")){let p=[];for(;t+1<e.length&&!e[t+1].startsWith("```");)p.push(e[++t]);t++,s.push(...W(p));continue}if(r.startsWith("|")){let p=[];for(;t<e.length&&e[t].startsWith("|");)p.push(U(e[t++]));t--,s.push(...J(p.filter(i=>!i.every(l=>/^-+$/.test(l.trim())))));continue}let o=r.replace(/<\/?(details|summary|sub)>/g,"").replace(/^#{1,6} /,"").replace(/`/g,"");(o.trim()||s.length>0&&s[s.length-1].trim())&&s.push(o)}return s.join(`
`).trimEnd()+`
`}function U(n){return n.trim().replace(/^\||\|$/g,"").split(/(?<!\\)\|/).map(e=>e.trim().replace(/\\\|/g,"|").replace(/`/g,""))}function y(n){return[...n].length}function J(n){let s=[];for(let e of n)e.forEach((t,r)=>s[r]=Math.max(s[r]??0,y(t)));return n.map((e,t)=>{let r="  "+e.map((o,p)=>o+" ".repeat((s[p]??0)-y(o))).join("  ");return t===0?`${r}
  ${s.map(o=>"\u2500".repeat(o)).join("  ")}`:r})}function W(n){let s=c=>n.map(u=>c.exec(u)?.[1]).find(u=>u!==void 0),e=(s(/x-axis \[(.*)\]/)??"").split(",").map(c=>c.trim().replace(/^"|"$/g,"")),t=(s(/^\s*bar \[(.*)\]/)??"").split(",").map(Number),r=(s(/^\s*line \[(.*)\]/)??"").split(",").map(Number),o=s(/title "(.*)"/)??"",p=Math.max(...t,...r,1e-9),i=Math.max(...e.map(y),4),l=c=>"\u2588".repeat(Math.round(c/p*30)),a=[`  ${o}   (\u2588 baseline, \u2592 current)`];return e.forEach((c,u)=>{a.push(`  ${c.padStart(i)} \u2588 ${l(t[u]??0)} ${(t[u]??0).toFixed(3)}`),a.push(`  ${"".padStart(i)} \u2592 ${l(r[u]??0).replace(/█/g,"\u2592")} ${(r[u]??0).toFixed(3)}`)}),a}var _="0.1.0",P=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${f.map(n=>n.name).join(", ")}
  modelship <step> --help       The step's inputs and outputs.
  modelship steps               List the steps.
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function B(n){return`MODELSHIP_${n.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function G(n){return`'${n.replace(/'/g,"'\\''")}'`}async function L(n,s,e){if(process.stdout.write(JSON.stringify(n,null,2)+`
`),e.outputsFile&&await k(e.outputsFile,JSON.stringify(n,null,2)+`
`),e.outputsEnv){let t=Object.entries(s).map(([r,o])=>`export ${B(r)}=${G(o)}`);await k(e.outputsEnv,t.join(`
`)+`
`)}}async function C(n,s,e,t){let r=new v(process.stderr,e.debug),o=await x(n,s,{steps:f,log:r,cwd:process.cwd(),env:process.env,signal:t,debug:e.debug,state:new O,inputLabel:p=>`--${p}`});e.quiet||process.stderr.write(`
`+j(o.summary)+`
`);for(let p of o.annotations??[]){if(p.level==="notice")continue;let i=p.file?`${p.file}${p.line?`:${p.line}`:""}: `:"";process.stderr.write(`${p.level}: ${i}${p.message}
`)}return process.stderr.write(`${o.ok?"\u2714":"\u2716"} ${n.name}: ${o.headline}
`),o}async function H(n,s){let[e,...t]=n;if(!e||e==="--help"||e==="-h"||e==="help"){let i=t[0]?$(t[0]):void 0;return process.stdout.write((i?S(i):P)+`
`),0}if(e==="--version")return process.stdout.write(`${_}
`),0;if(e==="steps"){for(let i of f)process.stdout.write(`${i.name.padEnd(20)} ${i.description.split(". ")[0]}
`);return 0}if(e==="run"){let i=b(t,void 0);if(i.help)return process.stdout.write(P+`
`),0;let l=await A(i.inputs.config,process.cwd(),f),a=R(l,process.cwd());if(a.length===0)throw new g("nothing to run: the config sets up no step (e.g. data.path for validate-data)",l.path??"modelship.yml");let c={},u={},m=!0;for(let{step:d,inputs:N}of a){process.stderr.write(`\u2501\u2501 ${d.name} \u2501\u2501
`);let w=await C(d,{...N,...i.inputs},i,s);c[d.name]=w.outputs;for(let[F,q]of Object.entries(w.outputs))u[`${d.name}-${F}`]=q;if(!w.ok){m=!1;break}}return await L(c,u,i),process.stderr.write(`main job: ${m?"passed":"failed"} (${Object.keys(c).join(", ")})
`),m?0:1}let r=$(e);if(!r)throw new g(`unknown command (try: run, steps, ${f.map(i=>i.name).join(", ")})`,e);let o=b(t,r);if(o.help)return process.stdout.write(S(r)+`
`),0;let p=await C(r,o.inputs,o,s);return await L(p.outputs,p.outputs,o),p.ok?0:1}var I=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";E({fail(n,s,e){process.stderr.write(`error: ${n}
`),s&&process.stderr.write(`hint: ${s}
`),e&&process.stderr.write(`${e}
`)},cancelling:n=>process.stderr.write(`
${n}
`)},{debug:I,forceOnSecondSignal:!0},n=>H(process.argv.slice(2),n)).then(n=>{process.exitCode=n??1});
