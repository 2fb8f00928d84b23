export { mainJob, nextMove, type NextMove, type PlannedStep } from './main-job.js';
export { parseStepArgs, stepHelp } from './args.js';
export { renderForTerminal } from './terminal.js';
