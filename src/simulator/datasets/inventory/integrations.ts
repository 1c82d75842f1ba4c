/** Cloud accounts (AWS, GCP, Azure), the integrations catalogue and the network devices NDM monitors. */
import { between, pick, randomId, uuid } from '../../random';
import type { Json } from '../catalog';
import { HEX, iso, type Draw } from './draw';

const INTEGRATION_NAMES = ['amazon-ecs', 'amazon-s3', 'amazon-rds', 'azure-vm', 'google-cloud-run', 'kubernetes', 'docker', 'nginx', 'postgres', 'redis', 'kafka', 'mysql', 'slack', 'pagerduty', 'github'];
const CATEGORIES = ['Category::AWS', 'Category::Cloud', 'Category::Containers', 'Category::Log Collection', 'Category::Metrics', 'Offering::Integration'];

export function generateAwsAccounts({ random, now, size, ago }: Draw): Json[] {
  return Array.from({ length: size('aws_accounts') }, () => {
    const account = String(between(random, 100_000_000_000, 999_999_999_999));
    const byRole = random() < 0.7;
    const created = ago(10, 900);
    return {
      id: uuid(random),
      type: 'account',
      attributes: {
        account_tags: random() < 0.5 ? [`env:${pick(random, ['prod', 'staging'])}`] : [],
        // Access keys are listed by id only: the secret is write-only.
        auth_config: byRole ? { role_name: 'DatadogIntegrationRole', external_id: randomId(random, 32, HEX) } : { access_key_id: `AKIA${account}` },
        aws_account_id: account,
        aws_partition: 'aws',
        aws_regions: random() < 0.6 ? { include_all: true } : { include_only: ['eu-central-1', 'us-east-1'] },
        created_at: iso(created),
        logs_config: { lambda_forwarder: { lambdas: [], sources: [] } },
        metrics_config: { enabled: true, automute_enabled: true, collect_custom_metrics: false, collect_cloudwatch_alarms: false, tag_filters: [], namespace_filters: { exclude_only: ['AWS/SQS'] } },
        modified_at: iso(created + Math.floor(random() * (now - created))),
        resources_config: { cloud_security_posture_management_collection: false, extended_collection: random() < 0.5 },
        traces_config: { xray_services: { include_only: [] } },
      },
    };
  });
}

export function generateGcpAccounts({ random, size }: Draw): Json[] {
  return Array.from({ length: size('gcp_accounts') }, (_, i) => ({
    type: 'gcp_service_account',
    id: uuid(random),
    attributes: {
      account_tags: [],
      automute: random() < 0.5,
      client_email: `datadog-${i + 1}@project-${randomId(random, 6, HEX)}.iam.gserviceaccount.com`,
      cloud_run_revision_filters: [],
      host_filters: [],
      is_cspm_enabled: random() < 0.3,
      is_resource_change_collection_enabled: false,
      is_security_command_center_enabled: false,
      resource_collection_enabled: random() < 0.5,
    },
    meta: { accessible_projects: [`project-${randomId(random, 6, HEX)}`] },
  }));
}

export function generateAzureAccounts({ random, size }: Draw): Json[] {
  return Array.from({ length: size('azure_integrations') }, () => {
    const secretless = random() < 0.3;
    return {
      tenant_name: uuid(random),
      client_id: uuid(random),
      // Not write-only in the spec: an app registration made with a secret may come back with it.
      ...(secretless ? {} : { client_secret: `${randomId(random, 8)}~${randomId(random, 31)}` }),
      host_filters: random() < 0.5 ? 'env:prod' : '',
      app_service_plan_filters: '',
      container_app_filters: '',
      automute: random() < 0.5,
      cspm_enabled: false,
      custom_metrics_enabled: random() < 0.5,
      metrics_enabled: true,
      metrics_enabled_default: true,
      resource_collection_enabled: random() < 0.5,
      resource_provider_configs: [{ namespace: 'Microsoft.Compute', metrics_enabled: true }],
      secretless_auth_enabled: secretless,
      usage_metrics_enabled: true,
      errors: [],
    };
  });
}

/** The integrations catalogue, sorted by id. */
export function generateIntegrations({ random, size }: Draw): Json[] {
  return Array.from({ length: size('integrations') }, (_, i) => {
    const id = i < INTEGRATION_NAMES.length ? INTEGRATION_NAMES[i] : `${pick(random, ['acme', 'contoso', 'initech'])}-${randomId(random, 5, 'abcdefghijklmnopqrstuvwxyz')}-${i}`;
    return {
      id,
      type: 'integration',
      attributes: {
        title: id.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(' '),
        description: `Collect metrics and logs from ${id}.`,
        categories: CATEGORIES.filter(() => random() < 0.4),
        installed: random() < 0.3,
      },
      links: { self: `/integrations?integrationId=${id}` },
    };
  }).sort((a, b) => (a.id < b.id ? -1 : 1));
}

export function generateNdmDevices({ random, size }: Draw): Json[] {
  return Array.from({ length: size('ndm_devices') }, (_, i) => {
    const ip = `10.${between(random, 0, 3)}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    return {
      id: `default:${ip}`,
      type: 'device',
      attributes: {
        name: `${pick(random, ['core-switch', 'edge-router', 'firewall', 'access-point'])}-${String(i + 1).padStart(3, '0')}`,
        description: 'a device monitored with NDM',
        device_type: pick(random, ['switch', 'router', 'firewall', 'access_point', 'other']),
        integration: 'snmp',
        interface_statuses: { up: between(random, 0, 48), down: between(random, 0, 4), warning: between(random, 0, 2), off: between(random, 0, 8) },
        ip_address: ip,
        location: pick(random, ['paris', 'frankfurt', 'virginia']),
        model: `xx-${between(random, 100, 999)}`,
        os_hostname: `dev-${i + 1}`,
        os_name: 'example OS',
        os_version: '1.0.2',
        ping_status: pick(random, ['up', 'unmonitored']),
        product_name: 'example device',
        serial_number: `X${between(random, 10_000, 99_999)}`,
        status: pick(random, ['ok', 'ok', 'ok', 'warning', 'critical']),
        subnet: `10.0.${Math.floor(i / 250)}.0/24`,
        sys_object_id: '1.3.6.1.4.1.99999',
        tags: [`device_ip:${ip}`, `device_id:default:${ip}`, `device_namespace:default`],
        vendor: pick(random, ['cisco', 'juniper', 'arista']),
        version: '1.0',
      },
    };
  });
}
