export { STEPS, findStep, mainJob } from './registry.js';
export { parseStepArgs, stepHelp } from './args.js';
export { renderForTerminal } from './terminal.js';
