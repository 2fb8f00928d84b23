import { runPost } from '@modelship/github';
import { trainStep } from '@modelship/train';

await runPost(trainStep);
