// SageMaker on moto for tests: moto has no UpdateEndpoint, so UpdatingSageMakerClient stands in
// for that one call by doing what its success leaves behind (the endpoint, of the same name, on
// the new config: DeleteEndpoint + CreateEndpoint on moto) and records every request it sends.
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  type DataCaptureConfig,
  type UpdateEndpointInput,
} from '@aws-sdk/client-sagemaker';
import { outsideSteps } from '@modelship/core';
import { mockClient } from 'aws-sdk-client-mock';

/** What a successful UpdateEndpoint leaves behind, done on moto through `send`. */
async function updateOnMoto(
  send: (c: unknown) => Promise<unknown>,
  input: UpdateEndpointInput,
): Promise<{ EndpointArn?: string }> {
  await send(new DescribeEndpointCommand({ EndpointName: input.EndpointName }));
  await send(new DeleteEndpointCommand({ EndpointName: input.EndpointName }));
  return (await send(
    new CreateEndpointCommand({
      EndpointName: input.EndpointName,
      EndpointConfigName: input.EndpointConfigName,
    }),
  )) as { EndpointArn?: string };
}

/** A SageMaker client whose UpdateEndpoint does on moto what a successful update leaves behind. */
export class UpdatingSageMakerClient extends SageMakerClient {
  readonly sent: { name: string; input: unknown }[] = [];
  override send(command: unknown, options?: unknown): Promise<never> {
    const c = command as { constructor: { name: string }; input: unknown };
    this.sent.push({ name: c.constructor.name, input: c.input });
    const send = (x: unknown, o?: unknown) =>
      (super.send as (c: unknown, o?: unknown) => Promise<never>)(x, o);
    // The stand-in's own calls are not the step's: the AWS call log leaves them out.
    if (command instanceof UpdateEndpointCommand)
      return outsideSteps(() => updateOnMoto(send, command.input)) as Promise<never>;
    return send(command, options);
  }
  /** The inputs of the commands sent of one class, e.g. `UpdateEndpointCommand`. */
  calls(name: string): unknown[] {
    return this.sent.filter((s) => s.name === name).map((s) => s.input);
  }
}

/**
 * For a step that makes its own SageMaker clients (a whole step run in-process): every
 * SageMakerClient's UpdateEndpoint does on moto what a successful update leaves behind, as
 * {@link UpdatingSageMakerClient} does. Returns the function that puts `send` back.
 */
export function standInUpdateEndpoint(): () => void {
  const proto = SageMakerClient.prototype as unknown as {
    send: (this: SageMakerClient, c: unknown, o?: unknown) => Promise<unknown>;
  };
  const original = proto.send;
  proto.send = function (this: SageMakerClient, command: unknown, options?: unknown) {
    const send = (x: unknown, o?: unknown) => original.call(this, x, o);
    // The stand-in's own calls are not the step's: the AWS call log leaves them out.
    if (command instanceof UpdateEndpointCommand)
      return outsideSteps(() => updateOnMoto(send, command.input));
    return send(command, options);
  };
  return () => {
    proto.send = original;
  };
}

/**
 * An endpoint `churn-prod` with a production variant churn-v1 (Model churn-v1-model) and a shadow
 * variant churn-v2 (churn-v2-model) on config churn-prod-shadow, as SageMaker describes it, mocked
 * (moto keeps no shadow variants): UpdateEndpoint moves it to the config named (InService at
 * once), creates and deletes succeed. `pkg(v)` is the model package of churn-v<v>-model.
 */
export function mockShadowEndpoint(
  endpoint: string,
  region: string,
  pkg: (v: number) => string,
  capture?: DataCaptureConfig,
) {
  const client = new SageMakerClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const mock = mockClient(client);
  let config = 'churn-prod-shadow';
  const variant = (VariantName: string, ModelName: string) => ({
    VariantName,
    ModelName,
    InstanceType: 'ml.m5.large' as const,
    InitialInstanceCount: 1,
  });
  mock.on(DescribeEndpointCommand).callsFake(() =>
    config === 'churn-prod-shadow'
      ? {
          EndpointName: 'churn-prod',
          EndpointStatus: 'InService',
          EndpointConfigName: config,
          ProductionVariants: [{ VariantName: 'churn-v1', CurrentWeight: 100 }],
          ShadowProductionVariants: [{ VariantName: 'churn-v2', CurrentWeight: 20 }],
        }
      : { EndpointName: 'churn-prod', EndpointStatus: 'InService', EndpointConfigName: config },
  );
  mock
    .on(DescribeEndpointConfigCommand)
    .rejects(
      Object.assign(new Error('Could not find endpoint configuration'), { name: 'ValidationException' }),
    );
  mock.on(DescribeEndpointConfigCommand, { EndpointConfigName: 'churn-prod-shadow' }).resolves({
    EndpointConfigName: 'churn-prod-shadow',
    ProductionVariants: [{ ...variant('churn-v1', 'churn-v1-model'), InitialVariantWeight: 100 }],
    ShadowProductionVariants: [{ ...variant('churn-v2', 'churn-v2-model'), InitialVariantWeight: 20 }],
    ...(capture ? { DataCaptureConfig: capture } : {}),
  });
  mock.on(DescribeModelCommand).callsFake((input: { ModelName: string }) => ({
    ModelName: input.ModelName,
    Containers: [{ ModelPackageName: pkg(input.ModelName === 'churn-v1-model' ? 1 : 2) }],
  }));
  mock.on(ListEndpointsCommand).resolves({ Endpoints: [] });
  mock.on(CreateEndpointConfigCommand).resolves({});
  mock.on(UpdateEndpointCommand).callsFake((input: { EndpointConfigName: string }) => {
    config = input.EndpointConfigName;
    return {};
  });
  mock.on(DeleteEndpointConfigCommand).resolves({});
  mock.on(DeleteModelCommand).resolves({});
  return {
    client,
    mock,
    /** The config the endpoint runs now. */
    config: () => config,
    /** The shadow variant's spec as the config holds it (what a promotion must keep). */
    challengerSpec: { ...variant('churn-v2', 'churn-v2-model') },
    restore: () => {
      mock.restore();
      client.destroy();
    },
  };
}
