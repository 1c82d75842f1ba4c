// Tests never talk to real Datadog: keep a developer's own keys out of every test process.
delete process.env.DD_API_KEY;
delete process.env.DD_APP_KEY;
delete process.env.DD_SITE;
delete process.env.DD_BASE_URL;
