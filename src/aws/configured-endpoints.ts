import { booleanSelector, CONFIG_PREFIX_SEPARATOR, loadConfig, SelectorType } from '@smithy/core/config';
import { usageError } from '../errors.js';
import { SDK_SERVICE_IDS, SERVICES, type ServiceEndpoints, type ServiceName } from './target.js';

type Env = Record<string, string | undefined>;
type Section = Record<string, string | undefined>;

/**
 * The endpoint the AWS SDK's "service-specific endpoints" configuration gives one service, by the
 * SDK's precedence: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the profile's `services`
 * section, then the profile's endpoint_url; nothing at all when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
 * (or the profile's ignore_configured_endpoint_urls) is true.
 */
async function configuredEndpoint(serviceId: string, profile: string | undefined, env: Env): Promise<string | undefined> {
  const options = { ...(profile ? { profile } : {}) };
  const ignore = await loadConfig<boolean>({
    environmentVariableSelector: () => booleanSelector(env, 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', SelectorType.ENV),
    configFileSelector: (section) => booleanSelector(section, 'ignore_configured_endpoint_urls', SelectorType.CONFIG),
    default: false,
  }, options)();
  if (ignore) return undefined;
  const envSuffix = serviceId.split(' ').map((word) => word.toUpperCase()).join('_');
  const iniKey = serviceId.split(' ').map((word) => word.toLowerCase()).join('_');
  return loadConfig<string | undefined>({
    environmentVariableSelector: () => env[`AWS_ENDPOINT_URL_${envSuffix}`] || env.AWS_ENDPOINT_URL || undefined,
    configFileSelector: (section, files) => {
      const servicesName = (section as Section).services;
      const services = servicesName ? (files as Record<string, Section> | undefined)?.[['services', servicesName].join(CONFIG_PREFIX_SEPARATOR)] : undefined;
      return services?.[[iniKey, 'endpoint_url'].join(CONFIG_PREFIX_SEPARATOR)] || (section as Section).endpoint_url || undefined;
    },
    default: undefined,
  }, options)();
}

/** Every service thumbs uses whose endpoint the SDK configuration sets; empty for plain AWS. */
export async function configuredEndpoints(profile: string | undefined, env: Env = process.env): Promise<ServiceEndpoints> {
  const found = await Promise.all(SERVICES.map(async (service) => [service, await configuredEndpoint(SDK_SERVICE_IDS[service], profile, env)] as const));
  const endpoints = Object.fromEntries(found.filter(([, endpoint]) => endpoint)) as ServiceEndpoints;
  for (const [service, endpoint] of Object.entries(endpoints)) assertEndpointUrl(SDK_SERVICE_IDS[service as ServiceName], endpoint);
  return endpoints;
}

function assertEndpointUrl(serviceId: string, value: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    const variable = `AWS_ENDPOINT_URL_${serviceId.toUpperCase().replaceAll(' ', '_')}`;
    throw usageError('bad-endpoint', `the endpoint configured for ${serviceId}, ${value}, is not an http(s) URL`,
      `Fix ${variable}, AWS_ENDPOINT_URL or the profile's endpoint_url, e.g. http://localhost:4566.`);
  }
}
