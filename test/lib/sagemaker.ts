// SageMaker on moto for tests: moto has no UpdateEndpoint, so UpdatingSageMakerClient stands in
// for that one call by doing what its success leaves behind (the endpoint, of the same name, on
// the new config: DeleteEndpoint + CreateEndpoint on moto) and records every request it sends.
import {
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  type UpdateEndpointInput,
} from '@aws-sdk/client-sagemaker';
import { outsideSteps } from '@modelship/core';

/** A SageMaker client whose UpdateEndpoint does on moto what a successful update leaves behind. */
export class UpdatingSageMakerClient extends SageMakerClient {
  readonly sent: { name: string; input: unknown }[] = [];
  override send(command: unknown, options?: unknown): Promise<never> {
    const c = command as { constructor: { name: string }; input: unknown };
    this.sent.push({ name: c.constructor.name, input: c.input });
    // The stand-in's own calls are not the step's: the AWS call log leaves them out.
    if (command instanceof UpdateEndpointCommand)
      return outsideSteps(() => this.update(command.input)) as Promise<never>;
    return (super.send as (c: unknown, o?: unknown) => Promise<never>)(command, options);
  }
  private async update(input: UpdateEndpointInput): Promise<{ EndpointArn?: string }> {
    const send = super.send.bind(this) as (c: unknown) => Promise<unknown>;
    await send(new DescribeEndpointCommand({ EndpointName: input.EndpointName }));
    await send(new DeleteEndpointCommand({ EndpointName: input.EndpointName }));
    return (await send(
      new CreateEndpointCommand({
        EndpointName: input.EndpointName,
        EndpointConfigName: input.EndpointConfigName,
      }),
    )) as {
      EndpointArn?: string;
    };
  }
  /** The inputs of the commands sent of one class, e.g. `UpdateEndpointCommand`. */
  calls(name: string): unknown[] {
    return this.sent.filter((s) => s.name === name).map((s) => s.input);
  }
}
