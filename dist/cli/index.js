#!/usr/bin/env node
import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{a as g,b as $}from"../chunks/chunk-PZNYKVIV.js";import"../chunks/chunk-FUE2ZBST.js";import"../chunks/chunk-4XKQD6E5.js";import{b as v,d as h,f as A,k as x,m as O,n as E}from"../chunks/chunk-WAW6VQG6.js";import"../chunks/chunk-53JQGKRV.js";import"../chunks/chunk-4FYBBODW.js";import{a as f}from"../chunks/chunk-P4IJG5VI.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFile as j}from"node:fs/promises";import{relative as _}from"node:path";var M=new Set(["debug","quiet","help"]),T=new Set(["outputs-file","outputs-env"]);function b(s,r){let e=r?h(r):h({inputs:{}}),n=new Map;for(let[o,p]of Object.entries(e)){n.set(o,o);for(let t of p.cliAliases??[])n.set(t,o)}let i={inputs:{},debug:!1,quiet:!1,help:!1};for(let o=0;o<s.length;o++){let p=s[o];if(p==="-h"){i.help=!0;continue}if(!p.startsWith("--"))throw new f(`unexpected argument '${p}' (options are --name value)`,"command line");let[t,c]=p.slice(2).split(/=(.*)/s,2),a=c;if(M.has(t)){i[t]=a===void 0?!0:a==="true";continue}let l=t.startsWith("no-")&&n.has(t.slice(3))&&e[n.get(t.slice(3))].type==="boolean",u=l?n.get(t.slice(3)):n.get(t);if(!u&&!T.has(t))throw new f("unknown option (see --help for the options)",`--${t}`);if(l){i.inputs[u]="false";continue}let m=u!==void 0&&e[u].type==="boolean";if(a===void 0){let d=s[o+1];if(m&&(d===void 0||d.startsWith("--")||!/^(true|false)$/.test(d)))a="true";else{if(d===void 0)throw new f("needs a value",`--${t}`);a=s[++o]}}t==="outputs-file"?i.outputsFile=a:t==="outputs-env"?i.outputsEnv=a:i.inputs[u]=a}return i}function S(s){let r=[`modelship ${s.name} \u2014 ${s.description}`,"","Options:"];for(let[e,n]of Object.entries(h(s))){let i=s.required?.includes(e)?" (required)":"",o=n.default!==void 0?` [default: ${String(n.default)}]`:"",p=n.cliAliases?.length?` (also --${n.cliAliases.join(", --")})`:"";r.push(`  --${e} <${n.enum?n.enum.join("|"):n.type}>${i}${o}${p}`),r.push(`      ${n.description.replace(/`/g,"")}`)}return r.push("","Output options:","  --outputs-file <path>   also write the outputs as JSON to this file","  --outputs-env <path>     write `export MODELSHIP_<OUTPUT>=value` lines (source it in a CodeBuild buildspec)","  --quiet                 print only the outputs JSON","  --debug                 show stack traces and debug logs","","Outputs:",...Object.entries(s.outputs).map(([e,n])=>`  ${e}: ${n.replace(/`/g,"")}`)),r.join(`
`)}function R(s,r){let e=[];for(let n of g){let i=n.fromConfig?.(s,r);i&&e.push({step:n,inputs:i})}return e}function k(s){let r=[],e=s.split(`
`);for(let n=0;n<e.length;n++){let i=e[n];if(i.startsWith("```mermaid")){let p=[];for(;n+1<e.length&&!e[n+1].startsWith("```");)p.push(e[++n]);n++,r.push(...W(p));continue}if(i.startsWith("|")){let p=[];for(;n<e.length&&e[n].startsWith("|");)p.push(U(e[n++]));n--,r.push(...J(p.filter(t=>!t.every(c=>/^-+$/.test(c.trim())))));continue}let o=i.replace(/<\/?(details|summary|sub)>/g,"").replace(/^#{1,6} /,"").replace(/`/g,"");(o.trim()||r.length>0&&r[r.length-1].trim())&&r.push(o)}return r.join(`
`).trimEnd()+`
`}function U(s){return s.trim().replace(/^\||\|$/g,"").split(/(?<!\\)\|/).map(e=>e.trim().replace(/\\\|/g,"|").replace(/`/g,""))}function y(s){return[...s].length}function J(s){let r=[];for(let e of s)e.forEach((n,i)=>r[i]=Math.max(r[i]??0,y(n)));return s.map((e,n)=>{let i="  "+e.map((o,p)=>o+" ".repeat((r[p]??0)-y(o))).join("  ");return n===0?`${i}
  ${r.map(o=>"\u2500".repeat(o)).join("  ")}`:i})}function W(s){let r=l=>s.map(u=>l.exec(u)?.[1]).find(u=>u!==void 0),e=(r(/x-axis \[(.*)\]/)??"").split(",").map(l=>l.trim().replace(/^"|"$/g,"")),n=(r(/^\s*bar \[(.*)\]/)??"").split(",").map(Number),i=(r(/^\s*line \[(.*)\]/)??"").split(",").map(Number),o=r(/title "(.*)"/)??"",p=Math.max(...n,...i,1e-9),t=Math.max(...e.map(y),4),c=l=>"\u2588".repeat(Math.round(l/p*30)),a=[`  ${o}   (\u2588 baseline, \u2592 current)`];return e.forEach((l,u)=>{a.push(`  ${l.padStart(t)} \u2588 ${c(n[u]??0)} ${(n[u]??0).toFixed(3)}`),a.push(`  ${"".padStart(t)} \u2592 ${c(i[u]??0).replace(/█/g,"\u2592")} ${(i[u]??0).toFixed(3)}`)}),a}var B="0.1.0",L=`modelship \u2014 CI/CD for machine-learning models

Usage:
  modelship run [--config modelship.yml] [--manifest path] [--backend local|sagemaker]
      Run the main job: every step the config sets up, in order (local backend by default).
  modelship <step> [--<input> value ...]
      Run one step. Steps: ${g.map(s=>s.name).join(", ")}
  modelship <step> --help       The step's inputs and outputs.
  modelship steps               List the steps.
  modelship --version

Outputs are printed to stdout as JSON; progress and the report go to stderr.
Exit status: 0 success, 1 the answer is "no" (e.g. invalid data) or an error.`;function D(s){return`MODELSHIP_${s.toUpperCase().replace(/[^A-Z0-9]/g,"_")}`}function G(s){return`'${s.replace(/'/g,"'\\''")}'`}async function P(s,r,e){if(process.stdout.write(JSON.stringify(s,null,2)+`
`),e.outputsFile&&await j(e.outputsFile,JSON.stringify(s,null,2)+`
`),e.outputsEnv){let n=Object.entries(r).map(([i,o])=>`export ${D(i)}=${G(o)}`);await j(e.outputsEnv,n.join(`
`)+`
`)}}async function q(s,r,e,n){let i=new v(process.stderr,e.debug),o=e.quiet?{info:()=>{},warn:t=>i.warn(t),error:t=>i.error(t),debug:t=>i.debug(t),group:(t,c)=>c()}:i,p=await x(s,r,{steps:g,log:o,cwd:process.cwd(),env:process.env,signal:n,debug:e.debug,state:new O,inputLabel:t=>`--${t}`});e.quiet||process.stderr.write(`
`+k(p.summary)+`
`);for(let t of p.annotations??[]){if(t.level==="notice"||e.quiet&&t.level!=="error")continue;let c=t.file?`${t.file}${t.line?`:${t.line}`:""}: `:"";process.stderr.write(`${t.level}: ${c}${t.message}
`)}return(!e.quiet||!p.ok)&&process.stderr.write(`${p.ok?"\u2714":"\u2716"} ${s.name}: ${p.headline}
`),p}async function H(s,r){let[e,...n]=s;if(!e||e==="--help"||e==="-h"||e==="help"){let t=n[0]?$(n[0]):void 0;return process.stdout.write((t?S(t):L)+`
`),0}if(e==="--version"||e==="-v")return process.stdout.write(`${B}
`),0;if(e==="steps"){for(let t of g)process.stdout.write(`${t.name.padEnd(20)} ${t.description.split(". ")[0]}
`);return 0}if(e==="run"){let t=b(n,void 0);if(t.help)return process.stdout.write(L+`
`),0;let c=await A(t.inputs.config,process.cwd(),g),a=R(c,process.cwd());if(a.length===0)throw c.path?new f("nothing to run: the config sets up no step",_(process.cwd(),c.path),{hint:"set up a step, e.g. data.path for validate-data or a train block"}):new f(`nothing to run: there is no modelship.yml in ${process.cwd()}`,"modelship run",{hint:"create modelship.yml (see the README), or pass --config <file>"});let l={},u={},m=!0;for(let{step:d,inputs:C}of a){t.quiet||process.stderr.write(`\u2501\u2501 ${d.name} \u2501\u2501
`);let w=await q(d,{...C,...t.inputs},t,r);l[d.name]=w.outputs;for(let[N,F]of Object.entries(w.outputs))u[`${d.name}-${N}`]=F;if(!w.ok){m=!1;break}}return await P(l,u,t),(!t.quiet||!m)&&process.stderr.write(`main job: ${m?"passed":"failed"} (${Object.keys(l).join(", ")})
`),m?0:1}let i=$(e);if(!i)throw new f(`unknown command (try: run, steps, ${g.map(t=>t.name).join(", ")})`,e);let o=b(n,i);if(o.help)return process.stdout.write(S(i)+`
`),0;let p=await q(i,o.inputs,o,r);return await P(p.outputs,p.outputs,o),p.ok?0:1}var I=process.argv.includes("--debug")||process.env.RUNNER_DEBUG==="1";E({fail(s,r,e){process.stderr.write(`error: ${s}
`),r&&process.stderr.write(`hint: ${r}
`),e&&process.stderr.write(`${e}
`)},cancelling:s=>process.stderr.write(`
${s}
`)},{debug:I,forceOnSecondSignal:!0},s=>H(process.argv.slice(2),s)).then(s=>{process.exitCode=s??1});
