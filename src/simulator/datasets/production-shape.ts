/**
 * What makes the simulator's search records look like production ones: the tags an Agent and its
 * integrations attach (10–20 of them), and the standard attributes Datadog's own log pipeline
 * processors write, as the spec's processor definitions name them (`network.client.ip` turned into
 * `network.client.geoip` by the GeoIP parser, `http.useragent` into `http.useragent_details` by the
 * user-agent parser, `http.url` into `http.url_details` by the URL parser; `dd.trace_id` for the
 * trace remapper). Every helper draws the same number of times whatever it draws, so a record stays a pure function
 * of its position in the generator's stream (see `fixedDraws`).
 */
import { between, pick, randomId } from '../random';

const REGIONS = ['us-east-1', 'us-east-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const TEAMS = ['checkout', 'platform', 'identity', 'search', 'payments', 'growth'];
const KUBE_NAMESPACES = ['default', 'shop', 'payments', 'platform', 'monitoring'];
const RUNTIMES = ['java', 'python', 'go', 'nodejs', 'dotnet'];
const SOURCES = ['java', 'python', 'go', 'nodejs', 'nginx', 'postgresql', 'kubernetes'];
const CLUSTERS = ['prod-eu-1', 'prod-us-1', 'staging-eu-1'];

/** Where requests come from, as the GeoIP parser writes it. */
const PLACES = [
  { country: { name: 'United States', iso_code: 'US' }, continent: { code: 'NA', name: 'North America' }, subdivision: { name: 'Virginia', iso_code: 'VA' }, city: { name: 'Ashburn' } },
  { country: { name: 'Germany', iso_code: 'DE' }, continent: { code: 'EU', name: 'Europe' }, subdivision: { name: 'Hesse', iso_code: 'HE' }, city: { name: 'Frankfurt am Main' } },
  { country: { name: 'France', iso_code: 'FR' }, continent: { code: 'EU', name: 'Europe' }, subdivision: { name: 'Île-de-France', iso_code: 'IDF' }, city: { name: 'Paris' } },
  { country: { name: 'Japan', iso_code: 'JP' }, continent: { code: 'AS', name: 'Asia' }, subdivision: { name: 'Tokyo', iso_code: '13' }, city: { name: 'Tokyo' } },
  { country: { name: 'Brazil', iso_code: 'BR' }, continent: { code: 'SA', name: 'South America' }, subdivision: { name: 'São Paulo', iso_code: 'SP' }, city: { name: 'São Paulo' } },
  { country: { name: 'Australia', iso_code: 'AU' }, continent: { code: 'OC', name: 'Oceania' }, subdivision: { name: 'New South Wales', iso_code: 'NSW' }, city: { name: 'Sydney' } },
];
const AS_NAMES = ['AMAZON-02', 'GOOGLE-CLOUD-PLATFORM', 'Deutsche Telekom AG', 'COMCAST-7922', 'OVH SAS'];

/** User agents, as sent and as the user-agent parser splits them. */
const AGENTS = [
  {
    useragent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    details: { browser: { family: 'Chrome', major: '131' }, os: { family: 'Windows', major: '10' }, device: { family: 'Other', category: 'Desktop' } },
  },
  {
    useragent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    details: { browser: { family: 'Mobile Safari', major: '18' }, os: { family: 'iOS', major: '18' }, device: { family: 'iPhone', category: 'Mobile' } },
  },
  {
    useragent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
    details: { browser: { family: 'Safari', major: '17' }, os: { family: 'Mac OS X', major: '10' }, device: { family: 'Mac', category: 'Desktop' } },
  },
  {
    useragent: 'okhttp/4.12.0',
    details: { browser: { family: 'okhttp', major: '4' }, os: { family: 'Other' }, device: { family: 'Other', category: 'Other' } },
  },
];

const PATHS = ['/api/v1/items', '/api/v1/cart', '/api/v2/checkout', '/api/v1/users/me', '/health', '/api/v1/search', '/api/v2/orders'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const STATUS_CODES = [200, 200, 200, 200, 201, 204, 301, 400, 404, 500, 503];

/** Stack frames for the few long messages an error log carries. */
const FRAMES = [
  'com.example.shop.checkout.CheckoutService.placeOrder(CheckoutService.java:214)',
  'com.example.shop.checkout.CheckoutController.submit(CheckoutController.java:88)',
  'org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)',
  'org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:195)',
  'org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:166)',
  'io.opentelemetry.javaagent.instrumentation.servlet.v5_0.JakartaServletInstrumentation.onEnter(JakartaServletInstrumentation.java:52)',
  'org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2713)',
  'org.postgresql.jdbc.PgPreparedStatement.executeWithFlags(PgPreparedStatement.java:152)',
  'com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeQuery(HikariProxyPreparedStatement.java)',
  'java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)',
];
const EXCEPTIONS = [
  'org.postgresql.util.PSQLException: ERROR: canceling statement due to statement timeout',
  'java.net.SocketTimeoutException: Read timed out',
  'java.lang.IllegalStateException: cart is locked by another checkout',
];

export const ENVIRONMENTS = ['prod', 'prod', 'prod', 'prod', 'staging'];

/** `n` hex digits, eight a draw. */
export function hex(random: () => number, n: number): string {
  let out = '';
  while (out.length < n) out += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, n);
}

/** An IPv4 address: 4 draws. */
export function ipAddress(random: () => number): string {
  return `${between(random, 3, 223)}.${between(random, 0, 255)}.${between(random, 0, 255)}.${between(random, 1, 254)}`;
}

/** The tags an Agent and its integrations attach to a service's data: 10 to 20 of them. */
export function productionTags(random: () => number, base: { service: string; env: string; host: string; version: string }): string[] {
  const count = between(random, 10, 19);
  const zone = `${pick(random, REGIONS)}${pick(random, ['a', 'b', 'c'])}`;
  const namespace = pick(random, KUBE_NAMESPACES);
  const pod = `${base.service}-${hex(random, 10)}-${randomId(random, 5, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
  const tags = [
    `service:${base.service}`,
    `env:${base.env}`,
    `host:${base.host}`,
    `version:${base.version}`,
    `team:${pick(random, TEAMS)}`,
    `region:${zone.slice(0, -1)}`,
    `availability-zone:${zone}`,
    `kube_namespace:${namespace}`,
    `pod_name:${pod}`,
    `kube_deployment:${base.service}`,
    `kube_cluster_name:${pick(random, CLUSTERS)}`,
    `image_name:registry.example.com/${namespace}/${base.service}`,
    `image_tag:${base.version}`,
    `container_id:${hex(random, 64)}`,
    `runtime:${pick(random, RUNTIMES)}`,
    `source:${pick(random, SOURCES)}`,
    `git.commit.sha:${hex(random, 40)}`,
    `datacenter:${zone.slice(0, -1)}`,
    `kube_node:ip-10-${between(random, 0, 255)}-${between(random, 0, 255)}-${between(random, 1, 254)}.ec2.internal`,
  ];
  return tags.slice(0, count);
}

/** An HTTP request as the URL and user-agent parsers leave it. */
export function httpRequest(random: () => number, host: string) {
  const method = pick(random, METHODS);
  const path = pick(random, PATHS);
  const page = between(random, 1, 40);
  const agent = pick(random, AGENTS);
  const status_code = pick(random, STATUS_CODES);
  const requestId = `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}`;
  const referer = pick(random, ['https://shop.example.com/', 'https://shop.example.com/cart', 'https://www.google.com/', null]);
  const sort = pick(random, ['price', 'relevance', 'newest']);
  return {
    method,
    status_code,
    url: `https://${host}${path}?page=${page}&sort=${sort}`,
    url_details: { host, path, scheme: 'https', port: 443, queryString: { page: String(page), sort } },
    useragent: agent.useragent,
    useragent_details: agent.details,
    referer,
    request_id: requestId,
    version: pick(random, ['1.1', '2.0']),
  };
}

/** A client as the GeoIP parser leaves it. */
export function networkClient(random: () => number) {
  const ip = ipAddress(random);
  const place = pick(random, PLACES);
  const as = { number: between(random, 1000, 65000), name: pick(random, AS_NAMES) };
  return { client: { ip, port: between(random, 1024, 65535), geoip: { ...place, as } } };
}

/** A long message: an exception and its stack, as a JVM service logs it (about 1–2 KB). */
export function stackTrace(random: () => number): string {
  const exception = pick(random, EXCEPTIONS);
  const first = between(random, 0, FRAMES.length - 1);
  const depth = between(random, 8, 14);
  const frames = Array.from({ length: depth }, (_, i) => `\tat ${FRAMES[(first + i) % FRAMES.length]}`);
  return `${exception}\n${frames.join('\n')}`;
}
