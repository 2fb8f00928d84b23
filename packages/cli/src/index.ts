export { mainJob } from './main-job.js';
export { parseStepArgs, stepHelp } from './args.js';
export { renderForTerminal } from './terminal.js';
