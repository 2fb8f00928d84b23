import { createRequire as __modelshipRequire } from 'node:module';
const require = __modelshipRequire(import.meta.url);
import{b as o}from"../chunks/chunk-YX3WSVD7.js";import"../chunks/chunk-3VGBAVFI.js";import{writeFileSync as c,renameSync as p}from"node:fs";var[s,a,e]=process.argv.slice(2);(!s||!e)&&(process.stderr.write(`usage: canary-router <config.json> <port> <ready-file>
`),process.exit(2));var r=await o(s,Number(a??0)),t=`${e}.${process.pid}.tmp`;c(t,JSON.stringify({pid:process.pid,port:r.port})+`
`);p(t,e);process.stderr.write(`router listening on 127.0.0.1:${r.port}
`);process.on("SIGHUP",()=>{try{r.reload(),process.stderr.write(`config reloaded
`)}catch(n){process.stderr.write(`config reload failed, keeping the previous one: ${n.message}
`)}});var i=()=>{r.close().then(()=>process.exit(0))};process.on("SIGTERM",i);process.on("SIGINT",i);
