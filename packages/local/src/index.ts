export {
  alive,
  treeAlive,
  killTree,
  stopTree,
  runProcessTree,
  type EndReason,
  type Ended,
  type ProcessSpec,
} from './process-tree.js';
