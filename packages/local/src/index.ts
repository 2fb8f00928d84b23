export {
  alive,
  treeAlive,
  killTree,
  stopTree,
  runProcessTree,
  interpreterOf,
  type EndReason,
  type Ended,
  type ProcessSpec,
} from './process-tree.js';
export {
  extractArchive,
  fileSha256,
  listFiles,
  packDir,
  SOURCE_EXCLUDES,
  treeDigest,
  type PackResult,
} from './archive.js';
