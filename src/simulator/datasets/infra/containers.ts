/** Containers and container images, in the shapes of Datadog's containers and images endpoints. */
import { HOSTS, SERVICES } from '../../data';
import { between, pick, randomId, seededRandom } from '../../random';
import { awayFrom, DAY, HEX, hexId, HOUR, iso, LIVE_RETENTION_MS, MINUTE, zoneless, type Json } from './shared';

/** A container and when it stopped (Infinity while it runs). */
export interface StoredContainer {
  stopped: number;
  record: Json;
}

const IMAGES = ['nginx', 'redis', 'postgres', 'datadog/agent', 'web-app', 'billing-api', 'worker'];

export function generateContainers(seed: number, count: number, now: number): StoredContainer[] {
  const random = seededRandom(seed ^ 0xc0);
  const containers = Array.from({ length: count }, (_, i) => {
    const service = pick(random, SERVICES);
    const image = pick(random, IMAGES);
    const started = Math.floor((now - between(random, 60, 20 * 24 * 60) * MINUTE) / 1000) * 1000;
    const exited = random() < 0.25;
    // Some stopped within the 36 hours Datadog keeps them, some long before.
    const stopped = exited ? awayFrom(Math.max(started + MINUTE, now - between(random, 1, 72) * HOUR), now - LIVE_RETENTION_MS) : Infinity;
    const host = pick(random, HOSTS);
    const digest = random() < 0.8 ? `sha256:${randomId(random, 64, HEX)}` : null;
    return {
      stopped,
      record: {
        type: 'container',
        id: hexId(`container:${seed}:${i}`),
        attributes: {
          name: `${service}-${image.replace(/\W/g, '-')}_${i}`,
          created_at: zoneless(started - between(random, 1, 30) * 1000),
          started_at: zoneless(started),
          state: exited ? 'exited' : 'running',
          container_id: `${randomId(random, 8, HEX)}-${randomId(random, 4, HEX)}-${randomId(random, 4, HEX)}-${randomId(random, 4, HEX)}`,
          host,
          image_name: digest ? image : '',
          image_tags: digest ? [pick(random, ['latest', '1.25', '7.2', 'v2026.3.1'])] : null,
          image_digest: digest,
          tags: [`env:${pick(random, ['prod', 'staging'])}`, `service:${service}`, `host:${host}`, `container_name:${service}_${i}`, `image_name:${image}`],
        },
      },
    };
  });
  return containers.sort((a, b) => compareBy(a.record, b.record, 'started_at'));
}

function compareBy(a: Json, b: Json, attribute: string): number {
  const x = String((a.attributes as Json)[attribute]);
  const y = String((b.attributes as Json)[attribute]);
  return x < y ? -1 : x > y ? 1 : String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;
}

const REGISTRIES = ['013910733512.dkr.ecr.us-east-1.amazonaws.com', 'gcr.io/acme-prod', 'docker.io/library'];

export function generateContainerImages(seed: number, count: number, now: number): Json[] {
  const random = seededRandom(seed ^ 0xc1);
  const images = Array.from({ length: count }, (_, i) => {
    const registry = pick(random, REGISTRIES);
    const repository = `${pick(random, IMAGES).replace('/', '-')}${i >= IMAGES.length ? `-${i}` : ''}`;
    const name = `${registry}/${repository}`;
    const digest = `sha256:${randomId(random, 64, HEX)}`;
    const built = now - between(random, 1, 400) * DAY;
    const arches = random() < 0.3 ? ['amd64', 'arm64'] : ['amd64'];
    const sizes = arches.map(() => between(random, 5, 900) * 1_000_000 + between(random, 0, 999_999));
    const critical = between(random, 0, 3);
    return {
      type: 'container_image',
      id: `${name}@${digest}`,
      attributes: {
        name,
        short_image: repository,
        registry,
        repository,
        repo_digest: digest,
        image_tags: [pick(random, ['latest', 'stable', `v${between(random, 1, 9)}.${between(random, 0, 20)}`])],
        sizes,
        published_at: iso(Math.floor(built / 1000) * 1000 + HOUR),
        images_built_at: arches.map(() => iso(Math.floor(built / 1000) * 1000)),
        image_flavors: arches.map((arch, j) => ({ built_at: iso(Math.floor(built / 1000) * 1000), os_architecture: arch, os_name: 'linux', os_version: '12', size: sizes[j] })),
        os_names: ['linux'],
        os_versions: ['12'],
        os_architectures: arches,
        sources: [registry.includes('ecr') ? 'aws_ecr' : registry.startsWith('gcr') ? 'gcr' : 'docker_hub'],
        container_count: between(random, 0, 40),
        vulnerability_count: { asset_id: name, critical, high: between(random, 0, 10), medium: between(random, 0, 30), low: between(random, 0, 60), none: 0, unknown: between(random, 0, 2) },
        tags: [`registry:${registry}`, `repository:${repository}`],
      },
    };
  });
  return images.sort((a, b) => compareBy(a, b, 'name'));
}
