import { CallLog } from './aws/call-log.js';
import type { Clients } from './aws/clients.js';
import { createClients, resolveRegion } from './aws/clients.js';
import type { AwsTarget, BackendCapabilities } from './aws/target.js';
import { capabilitiesOf, configuredTarget, endpointTarget } from './aws/target.js';
import type { Settings } from './config/settings.js';
import { LOCAL_CREDENTIALS, type LocalEndpoints } from './local/constants.js';
import { readLocalEndpoints } from './local/local-file.js';
import type { Reporter } from './output/reporter.js';

/** Asks the user a yes/no question; implementations refuse (exit 2) when no one can answer. */
export type Confirm = (question: string) => Promise<boolean>;

/** What every action receives; actions never build clients or print on their own. */
export interface Context {
  settings: Settings;
  target: AwsTarget;
  capabilities: BackendCapabilities;
  clients: Clients;
  reporter: Reporter;
  callLog: CallLog;
  confirm: Confirm;
}

export function embeddedTarget(endpoints: LocalEndpoints): AwsTarget {
  return {
    backend: 'embedded',
    region: endpoints.region,
    profile: undefined,
    endpoints: { s3: endpoints.s3, sqs: endpoints.sqs, dynamodb: endpoints.dynamodb },
    credentials: LOCAL_CREDENTIALS,
  };
}

/**
 * --local reads the running `thumbs dev`; --endpoint-url points everything at one endpoint;
 * otherwise each service goes where the SDK's configuration says (AWS unless configured).
 */
export async function resolveTarget(settings: Settings, env: NodeJS.ProcessEnv = process.env): Promise<AwsTarget> {
  if (settings.local) return embeddedTarget(await readLocalEndpoints(settings.stateDir));
  if (settings.endpointUrl) return endpointTarget(settings.endpointUrl, settings.region, settings.profile);
  const { configuredEndpoints } = await import('./aws/configured-endpoints.js');
  return configuredTarget(await configuredEndpoints(settings.profile, env), settings.region, settings.profile);
}

export async function createContext(
  settings: Settings,
  target: AwsTarget,
  reporter: Reporter,
  confirm: Confirm,
): Promise<Context> {
  const region = await resolveRegion(target);
  const resolved = { ...target, region };
  const callLog = new CallLog();
  return {
    settings,
    target: resolved,
    capabilities: capabilitiesOf(target.backend),
    clients: createClients(resolved, { region, callLog, onSilence: (message) => reporter.warn(message) }),
    reporter,
    callLog,
    confirm,
  };
}
