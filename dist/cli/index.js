#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as f,b as $}from"../chunks/chunk-6XFV6YL6.js";import"../chunks/chunk-OEFHW66L.js";import"../chunks/chunk-AMYDZ375.js";import{b as v,d as h,f as A,j as x,l as O,m as E}from"../chunks/chunk-32T6GPRZ.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as g}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as j}from"node:fs/promises";var T=new Set(["debug","quiet","help"]),M=new Set(["outputs-file","outputs-env"]);function b(s,i){let e=i?h(i):h({inputs:{}}),n=new Map;for(let[o,p]of Object.entries(e)){n.set(o,o);for(let t of p.cliAliases??[])n.set(t,o)}let r={inputs:{},debug:!1,quiet:!1,help:!1};for(let o=0;o<s.length;o++){let p=s[o];if(p==="-h"){r.help=!0;continue}if(!p.startsWith("--"))throw new g(`unexpected argument '${p}' (options are --name value)`,"command line");let[t,l]=p.slice(2).split(/=(.*)/s,2),a=l;if(T.has(t)){r[t]=a===void 0?!0:a==="true";continue}let c=t.startsWith("no-")&&n.has(t.slice(3))&&e[n.get(t.slice(3))].type==="boolean",u=c?n.get(t.slice(3)):n.get(t);if(!u&&!M.has(t))throw new g("unknown option (see --help for the options)",`--${t}`);if(c){r.inputs[u]="false";continue}let m=u!==void 0&&e[u].type==="boolean";if(a===void 0){let d=s[o+1];if(m&&(d===void 0||d.startsWith("--")||!/^(true|false)$/.test(d)))a="true";else{if(d===void 0)throw new g("needs a value",`--${t}`);a=s[++o]}}t==="outputs-file"?r.outputsFile=a:t==="outputs-env"?r.outputsEnv=a:r.inputs[u]=a}return r}function S(s){let i=[`modelship ${s.name} \u2014 ${s.description}`,"","Options:"];for(let[e,n]of Object.entries(h(s))){let r=s.required?.includes(e)?" (required)":"",o=n.default!==void 0?` [default: ${String(n.default)}]`:"",p=n.cliAliases?.length?` (also --${n.cliAliases.join(", --")})`:"";i.push(`  --${e} <${n.enum?n.enum.join("|"):n.type}>${r}${o}${p}`),i.push(`      ${n.description.replace(/`/g,"")}`)}return i.push("","Output options:","  --outputs-file <path>   also write the outputs as JSON to this file","  --outputs-env <path>     write `export MODELSHIP_<OUTPUT>=value` lines (source it in a CodeBuild buildspec)","  --quiet                 print only the outputs JSON","  --debug                 show stack traces and debug logs","","Outputs:",...Object.entries(s.outputs).map(([e,n])=>`  ${e}: ${n.replace(/`/g,"")}`)),i.join(`
`)}function R(s,i){let e=[];for(let n of f){let r=n.fromConfig?.(s,i);r&&e.push({step:n,inputs:r})}return e}function k(s){let i=[],e=s.split(`
`);for(let n=0;n<e.length;n++){let r=e[n];if(r.startsWith("```mermaid")){let p=[];for(;n+1<e.length&&!e[n+1].startsWith("```");)p.push(e[++n]);n++,i.push(...W(p));continue}if(r.startsWith("|")){let p=[];for(;n<e.length&&e[n].startsWith("|");)p.push(U(e[n++]));n--,i.push(...J(p.filter(t=>!t.every(l=>/^-+$/.test(l.trim())))));continue}let o=r.replace(/<\/?(details|summary|sub)>/g,"").replace(/^#{1,6} /,"").replace(/`/g,"");(o.trim()||i.length>0&&i[i.length-1].trim())&&i.push(o)}return i.join(`
`).trimEnd()+`
`}function U(s){return s.trim().replace(/^\||\|$/g,"").split(/(?<!\\)\|/).map(e=>e.trim().replace(/\\\|/g,"|").replace(/`/g,""))}function y(s){return[...s].length}function J(s){let i=[];for(let e of s)e.forEach((n,r)=>i[r]=Math.max(i[r]??0,y(n)));return s.map((e,n)=>{let r="  "+e.map((o,p)=>o+" ".repeat((i[p]??0)-y(o))).join("  ");return n===0?`${r}
  ${i.map(o=>"\u2500".repeat(o)).join("  ")}`:r})}function W(s){let i=c=>s.map(u=>c.exec(u)?.[1]).find(u=>u!==void 0),e=(i(/x-axis \[(.*)\]/)??"").split(",").map(c=>c.trim().replace(/^"|"$/g,"")),n=(i(/^\s*bar \[(.*)\]/)??"").split(",").map(Number),r=(i(/^\s*line \[(.*)\]/)??"").split(",").map(Number),o=i(/title "(.*)"/)??"",p=Math.max(...n,...r,1e-9),t=Math.max(...e.map(y),4),l=c=>"\u2588".repeat(Math.round(c/p*30)),a=[`  ${o}   (\u2588 baseline, \u2592 current)`];return e.forEach((c,u)=>{a.push(`  ${c.padStart(t)} \u2588 ${l(n[u]??0)} ${(n[u]??0).toFixed(3)}`),a.push(`  ${"".padStart(t)} \u2592 ${l(r[u]??0).replace(/█/g,"\u2592")} ${(r[u]??0).toFixed(3)}`)}),a}var _="0.1.0",L=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${f.map(s=>s.name).join(", ")}
  modelship <step> --help       The step's inputs and outputs.
  modelship steps               List the steps.
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function B(s){return`MODELSHIP_${s.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function G(s){return`'${s.replace(/'/g,"'\\''")}'`}async function P(s,i,e){if(process.stdout.write(JSON.stringify(s,null,2)+`
`),e.outputsFile&&await j(e.outputsFile,JSON.stringify(s,null,2)+`
`),e.outputsEnv){let n=Object.entries(i).map(([r,o])=>`export ${B(r)}=${G(o)}`);await j(e.outputsEnv,n.join(`
`)+`
`)}}async function q(s,i,e,n){let r=new v(process.stderr,e.debug),o=e.quiet?{...r,info:()=>{},warn:t=>r.warn(t),error:t=>r.error(t),debug:t=>r.debug(t),group:(t,l)=>l()}:r,p=await x(s,i,{steps:f,log:o,cwd:process.cwd(),env:process.env,signal:n,debug:e.debug,state:new O,inputLabel:t=>`--${t}`});e.quiet||process.stderr.write(`
`+k(p.summary)+`
`);for(let t of p.annotations??[]){if(t.level==="notice"||e.quiet&&t.level!=="error")continue;let l=t.file?`${t.file}${t.line?`:${t.line}`:""}: `:"";process.stderr.write(`${t.level}: ${l}${t.message}
`)}return(!e.quiet||!p.ok)&&process.stderr.write(`${p.ok?"\u2714":"\u2716"} ${s.name}: ${p.headline}
`),p}async function H(s,i){let[e,...n]=s;if(!e||e==="--help"||e==="-h"||e==="help"){let t=n[0]?$(n[0]):void 0;return process.stdout.write((t?S(t):L)+`
`),0}if(e==="--version"||e==="-v")return process.stdout.write(`${_}
`),0;if(e==="steps"){for(let t of f)process.stdout.write(`${t.name.padEnd(20)} ${t.description.split(". ")[0]}
`);return 0}if(e==="run"){let t=b(n,void 0);if(t.help)return process.stdout.write(L+`
`),0;let l=await A(t.inputs.config,process.cwd(),f),a=R(l,process.cwd());if(a.length===0)throw new g("nothing to run: the config sets up no step (e.g. data.path for validate-data)",l.path??"modelship.yml");let c={},u={},m=!0;for(let{step:d,inputs:C}of a){t.quiet||process.stderr.write(`\u2501\u2501 ${d.name} \u2501\u2501
`);let w=await q(d,{...C,...t.inputs},t,i);c[d.name]=w.outputs;for(let[N,F]of Object.entries(w.outputs))u[`${d.name}-${N}`]=F;if(!w.ok){m=!1;break}}return await P(c,u,t),(!t.quiet||!m)&&process.stderr.write(`main job: ${m?"passed":"failed"} (${Object.keys(c).join(", ")})
`),m?0:1}let r=$(e);if(!r)throw new g(`unknown command (try: run, steps, ${f.map(t=>t.name).join(", ")})`,e);let o=b(n,r);if(o.help)return process.stdout.write(S(r)+`
`),0;let p=await q(r,o.inputs,o,i);return await P(p.outputs,p.outputs,o),p.ok?0:1}var I=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";E({fail(s,i,e){process.stderr.write(`error: ${s}
`),i&&process.stderr.write(`hint: ${i}
`),e&&process.stderr.write(`${e}
`)},cancelling:s=>process.stderr.write(`
${s}
`)},{debug:I,forceOnSecondSignal:!0},s=>H(process.argv.slice(2),s)).then(s=>{process.exitCode=s??1});
