#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as m,b}from"../chunks/chunk-33QFNAQ7.js";import"../chunks/chunk-QQAZNT77.js";import"../chunks/chunk-HXT57S53.js";import"../chunks/chunk-VRFOALSD.js";import"../chunks/chunk-QGDD24QC.js";import{b as v,d as h,f as A,k as x,l as E,n as O,o as R}from"../chunks/chunk-STHRENRY.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as g}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as L}from"node:fs/promises";import{relative as B}from"node:path";var T=new Set(["debug","quiet","help"]),U=new Set(["outputs-file","outputs-env"]);function $(s,i){let e=i?h(i):h({inputs:{}}),n=new Map;for(let[o,p]of Object.entries(e)){n.set(o,o);for(let t of p.cliAliases??[])n.set(t,o)}let r={inputs:{},debug:!1,quiet:!1,help:!1};for(let o=0;o<s.length;o++){let p=s[o];if(p==="-h"){r.help=!0;continue}if(!p.startsWith("--"))throw new g(`unexpected argument '${p}' (options are --name value)`,"command line");let[t,c]=p.slice(2).split(/=(.*)/s,2),l=c;if(T.has(t)){r[t]=l===void 0?!0:l==="true";continue}let d=t.startsWith("no-")&&n.has(t.slice(3))&&e[n.get(t.slice(3))].type==="boolean",u=d?n.get(t.slice(3)):n.get(t);if(!u&&!U.has(t))throw new g("unknown option (see --help for the options)",`--${t}`);if(d){r.inputs[u]="false";continue}let a=u!==void 0&&e[u].type==="boolean";if(l===void 0){let f=s[o+1];if(a&&(f===void 0||f.startsWith("--")||!/^(true|false)$/.test(f)))l="true";else{if(f===void 0)throw new g("needs a value",`--${t}`);l=s[++o]}}t==="outputs-file"?r.outputsFile=l:t==="outputs-env"?r.outputsEnv=l:r.inputs[u]=l}return r}function S(s){let i=[`modelship ${s.name} \u2014 ${s.description}`,"","Options:"];for(let[e,n]of Object.entries(h(s))){let r=s.required?.includes(e)?" (required)":"",o=n.default!==void 0?` [default: ${String(n.default)}]`:"",p=n.cliAliases?.length?` (also --${n.cliAliases.join(", --")})`:"";i.push(`  --${e} <${n.enum?n.enum.join("|"):n.type}>${r}${o}${p}`),i.push(`      ${n.description.replace(/`/g,"")}`)}return i.push("","Output options:","  --outputs-file <path>   also write the outputs as JSON to this file","  --outputs-env <path>     write `export MODELSHIP_<OUTPUT>=value` lines (source it in a CodeBuild buildspec)","  --quiet                 print only the outputs JSON","  --debug                 show stack traces and debug logs","","Outputs:",...Object.entries(s.outputs).map(([e,n])=>`  ${e}: ${n.replace(/`/g,"")}`)),i.join(`
`)}function k(s,i){let e=[];for(let n of m){let r=n.fromConfig?.(s,i);r&&e.push({step:n,inputs:r})}return e}function j(s){let i=[],e=s.split(`
`);for(let n=0;n<e.length;n++){let r=e[n];if(r.startsWith("```mermaid")){let p=[];for(;n+1<e.length&&!e[n+1].startsWith("```");)p.push(e[++n]);n++,i.push(..._(p));continue}if(r.startsWith("|")){let p=[];for(;n<e.length&&e[n].startsWith("|");)p.push(J(e[n++]));n--,i.push(...W(p.filter(t=>!t.every(c=>/^-+$/.test(c.trim())))));continue}let o=r.replace(/<\/?(details|summary|sub)>/g,"").replace(/^#{1,6} /,"").replace(/`/g,"");(o.trim()||i.length>0&&i[i.length-1].trim())&&i.push(o)}return i.join(`
`).trimEnd()+`
`}function J(s){return s.trim().replace(/^\||\|$/g,"").split(/(?<!\\)\|/).map(e=>e.trim().replace(/\\\|/g,"|").replace(/`/g,""))}function y(s){return[...s].length}function W(s){let i=[];for(let e of s)e.forEach((n,r)=>i[r]=Math.max(i[r]??0,y(n)));return s.map((e,n)=>{let r="  "+e.map((o,p)=>o+" ".repeat((i[p]??0)-y(o))).join("  ");return n===0?`${r}
  ${i.map(o=>"\u2500".repeat(o)).join("  ")}`:r})}function _(s){let i=u=>s.map(a=>u.exec(a)?.[1]).find(a=>a!==void 0),e=(i(/x-axis \[(.*)\]/)??"").split(",").map(u=>u.trim().replace(/^"|"$/g,"")),n=(i(/^\s*bar \[(.*)\]/)??"").split(",").map(Number),r=(i(/^\s*line \[(.*)\]/)??"").split(",").map(Number),o=i(/title "(.*)"/)??"";if(s.filter(u=>/^\s*(bar|line) \[/.test(u)).length!==2||[...n,...r].some(u=>!(u>=0)))return[];let t=Math.max(...n,...r,1e-9),c=Math.max(...e.map(y),4),l=u=>"\u2588".repeat(Math.round(u/t*30)),d=[`  ${o}   (\u2588 baseline, \u2592 current)`];return e.forEach((u,a)=>{d.push(`  ${u.padStart(c)} \u2588 ${l(n[a]??0)} ${(n[a]??0).toFixed(3)}`),d.push(`  ${"".padStart(c)} \u2592 ${l(r[a]??0).replace(/█/g,"\u2592")} ${(r[a]??0).toFixed(3)}`)}),d}var D="0.1.0",P=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${m.map(s=>s.name).join(", ")}
  modelship <step> --help       The step's inputs and outputs.
  modelship steps               List the steps.
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function G(s){return`MODELSHIP_${s.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function H(s){return`'${s.replace(/'/g,"'\\''")}'`}async function q(s,i,e){if(process.stdout.write(JSON.stringify(s,null,2)+`
`),e.outputsFile&&await L(e.outputsFile,JSON.stringify(s,null,2)+`
`),e.outputsEnv){let n=Object.entries(i).map(([r,o])=>`export ${G(r)}=${H(o)}`);await L(e.outputsEnv,n.join(`
`)+`
`)}}async function C(s,i,e,n){let r=new v(process.stderr,e.debug),o=e.quiet?{info:()=>{},warn:t=>r.warn(t),error:t=>r.error(t),debug:t=>r.debug(t),group:(t,c)=>c()}:r,p=await E(s,i,{steps:m,log:o,cwd:process.cwd(),env:process.env,signal:n,debug:e.debug,state:new O,github:x(process.env),inputLabel:t=>`--${t}`});e.quiet||process.stderr.write(`
`+j(p.summary)+`
`);for(let t of p.annotations??[]){if(t.level==="notice"||e.quiet&&t.level!=="error")continue;let c=t.file?`${t.file}${t.line?`:${t.line}`:""}: `:"";process.stderr.write(`${t.level}: ${c}${t.message}
`)}return(!e.quiet||!p.ok)&&process.stderr.write(`${p.ok?"\u2714":"\u2716"} ${s.name}: ${p.headline}
`),p}async function I(s,i){let[e,...n]=s;if(!e||e==="--help"||e==="-h"||e==="help"){let t=n[0]?b(n[0]):void 0;return process.stdout.write((t?S(t):P)+`
`),0}if(e==="--version"||e==="-v")return process.stdout.write(`${D}
`),0;if(e==="steps"){for(let t of m)process.stdout.write(`${t.name.padEnd(20)} ${t.description.split(". ")[0]}
`);return 0}if(e==="run"){let t=$(n,void 0);if(t.help)return process.stdout.write(P+`
`),0;let c=await A(t.inputs.config,process.cwd(),m),l=k(c,process.cwd());if(l.length===0)throw c.path?new g("nothing to run: the config sets up no step",B(process.cwd(),c.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new g(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let d={},u={},a=!0;for(let{step:f,inputs:F}of l){t.quiet||process.stderr.write(`\u2501\u2501 ${f.name} \u2501\u2501
`);let w=await C(f,{...F,...t.inputs},t,i);d[f.name]=w.outputs;for(let[N,M]of Object.entries(w.outputs))u[`${f.name}-${N}`]=M;if(!w.ok){a=!1;break}}return await q(d,u,t),(!t.quiet||!a)&&process.stderr.write(`main job: ${a?"passed":"failed"} (${Object.keys(d).join(", ")})
`),a?0:1}let r=b(e);if(!r)throw new g(`unknown command (try: run, steps, ${m.map(t=>t.name).join(", ")})`,e);let o=$(n,r);if(o.help)return process.stdout.write(S(r)+`
`),0;let p=await C(r,o.inputs,o,i);return await q(p.outputs,p.outputs,o),p.ok?0:1}var V=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";R({fail(s,i,e){process.stderr.write(`error: ${s}
`),i&&process.stderr.write(`hint: ${i}
`),e&&process.stderr.write(`${e}
`)},cancelling:s=>process.stderr.write(`
${s}
`)},{debug:V,forceOnSecondSignal:!0},s=>I(process.argv.slice(2),s)).then(s=>{process.exitCode=s??1});
