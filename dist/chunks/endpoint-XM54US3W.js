import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{l as $,o as y,v as b,w as q,y as m,z as S}from"./chunk-34PJZT7P.js";import"./chunk-WI47XGV7.js";import{c as g,e as h}from"./chunk-N3ZGGZRR.js";import"./chunk-YWRLCFSR.js";import{a}from"./chunk-P4IJG5VI.js";import"./chunk-3VGBAVFI.js";import{readFile as O}from"node:fs/promises";import{resolve as E}from"node:path";var N=`Usage:
  modelship endpoint status <name> [--dir .modelship/endpoints] [--json]
      The local endpoint: its router and each variant (package, weight, pid, port, running or not).
  modelship endpoint stop <name> [--dir .modelship/endpoints]
      Stop its router and every variant's process (its logs and metrics stay).
  modelship traffic --endpoint <name> --requests FILE [--rate 50] [--duration 10] [--dir \u2026]
      Replay the JSON Lines requests of FILE through the endpoint's router at --rate requests/s
      for --duration seconds, printing a per-variant summary every second.`;function F(i){return E(process.cwd(),i.dir??$)}function w(i,n){return new a(`no local endpoint of this name in ${n}`,`endpoint ${i}`,{hint:"deploy one with modelship deploy-canary, or point --dir at the folder it was started in"})}async function L(i){let[n="",...r]=i,t=g(r,["dir"],"modelship endpoint");if(t.flags.help||n===""||n==="help"||n==="--help"||n==="-h")return process.stdout.write(N+`
`),0;let s=t.positional[0];if(!s)throw new a("needs the endpoint name",`modelship endpoint ${n}`);let p=F(t.flags);if(n==="status"){let e=await b(p,s);if(!e)throw w(s,p);return t.flags.json?(process.stdout.write(JSON.stringify(e,null,2)+`
`),0):(process.stdout.write(`endpoint ${s}: ${e.state.router.url} (router pid ${e.state.router.pid}, ${e.router}); config ${e.state.endpointConfig}
`),process.stdout.write(h(["variant","package","weight","pid","port","status"],e.variants.map(({variant:o,status:f})=>[o.name,o.modelPackageArn,o.shadow?"shadow":String(o.weight),String(o.pid),String(o.port),f]))+`
`),e.router==="running"&&e.variants.every(o=>o.status==="running")?0:1)}if(n==="stop"){let e=await q(p,s);if(!e)throw w(s,p);return process.stderr.write(`stopped ${s}: router (pid ${e.router.pid}) and ${e.variants.length} variant(s) (${e.variants.map(c=>`${c.name} pid ${c.pid}`).join(", ")})
`),0}throw new a("unknown sub-command (status, stop)",`modelship endpoint ${n}`)}function v(i){let n=Object.entries(i.byVariant).sort(([r],[t])=>r.localeCompare(t)).map(([r,t])=>[r,String(t.requests),`${i.answered?(100*t.requests/i.answered).toFixed(1):"0"}%`,String(t.ok),String(t.errors4xx),String(t.errors5xx+t.failed),m(t.latenciesMs,.5).toFixed(1),m(t.latenciesMs,.99).toFixed(1)]);return h(["variant","requests","share","2xx","4xx","5xx","p50 ms","p99 ms"],n)}async function P(i,n){let r=g(i,["endpoint","requests","rate","duration","dir","content-type"],"modelship traffic");if(r.flags.help)return process.stdout.write(N+`
`),0;let t=r.flags.endpoint;if(!t)throw new a("is required","--endpoint");let s=r.flags.requests;if(!s)throw new a("is required (a JSON Lines file of request bodies)","--requests");let p=Number(r.flags.rate??50),e=Number(r.flags.duration??10);if(!(p>0))throw new a(`must be a positive number, got ${r.flags.rate}`,"--rate");if(!(e>0))throw new a(`must be a positive number of seconds, got ${r.flags.duration}`,"--duration");let c=F(r.flags),o=await y(c,t);if(!o)throw w(t,c);let f;try{f=await O(E(process.cwd(),s),"utf8")}catch(d){throw new a("cannot be read",s,{cause:d})}let x=f.split(/\r?\n/).filter(d=>d.trim());if(x.length===0)throw new a("holds no requests (one body a line)",s);process.stderr.write(`${p} requests/s for ${e} s through ${o.router.url} (${t})
`);let l=await S({port:o.router.port,bodies:x,contentType:r.flags["content-type"]??"application/json",rate:p,durationMs:e*1e3,signal:n,onTick:d=>process.stderr.write(`
[${(d.elapsedMs/1e3).toFixed(0)} s] ${d.sent} sent
${v(d)}
`)});process.stderr.write(`
done: ${l.sent} sent in ${(l.elapsedMs/1e3).toFixed(1)} s
${v(l)}
`);let M=Object.fromEntries(Object.entries(l.byVariant).map(([d,u])=>[d,{requests:u.requests,ok:u.ok,errors4xx:u.errors4xx,errors5xx:u.errors5xx+u.failed,p50Ms:Number(m(u.latenciesMs,.5).toFixed(2)),p99Ms:Number(m(u.latenciesMs,.99).toFixed(2))}]));return process.stdout.write(JSON.stringify({endpoint:t,sent:l.sent,variants:M},null,2)+`
`),0}export{N as ENDPOINT_USAGE,L as endpointCommand,P as trafficCommand};
