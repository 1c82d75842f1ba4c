/**
 * The usage types `GET /api/v1/usage/hourly-attribution` accepts as `usage_type`, one per request:
 * the v1 spec's `HourlyUsageAttributionUsageType` enum (test/spec-conformance.test.ts checks it).
 */
export const HOURLY_USAGE_ATTRIBUTION_TYPES = [
  'api_usage', 'apm_fargate_usage', 'apm_host_usage', 'apm_usm_usage', 'appsec_fargate_usage', 'appsec_usage',
  'asm_serverless_traced_invocations_usage', 'asm_serverless_traced_invocations_percentage',
  'bits_ai_investigations_usage', 'browser_usage', 'ci_code_coverage_committers_percentage',
  'ci_code_coverage_committers_usage', 'ci_pipeline_indexed_spans_usage', 'ci_test_indexed_spans_usage',
  'ci_visibility_itr_usage', 'cloud_siem_usage', 'code_security_host_usage', 'container_excl_agent_usage',
  'container_usage', 'cspm_containers_usage', 'cspm_hosts_usage', 'custom_event_usage',
  'custom_ingested_timeseries_usage', 'custom_timeseries_usage', 'cws_containers_usage', 'cws_fargate_task_usage',
  'cws_hosts_usage', 'data_jobs_monitoring_usage', 'data_stream_monitoring_usage', 'dbm_hosts_usage',
  'dbm_queries_usage', 'error_tracking_usage', 'error_tracking_percentage', 'estimated_indexed_spans_usage',
  'estimated_ingested_spans_usage', 'fargate_usage', 'flex_logs_starter', 'flex_stored_logs', 'functions_usage',
  'incident_management_monthly_active_users_usage', 'indexed_spans_usage', 'infra_host_usage',
  'infra_host_basic_usage', 'ingested_logs_bytes_usage', 'ingested_spans_bytes_usage', 'invocations_usage',
  'lambda_traced_invocations_usage', 'llm_observability_usage', 'llm_spans_usage', 'logs_indexed_15day_usage',
  'logs_indexed_180day_usage', 'logs_indexed_1day_usage', 'logs_indexed_30day_usage', 'logs_indexed_360day_usage',
  'logs_indexed_3day_usage', 'logs_indexed_45day_usage', 'logs_indexed_60day_usage', 'logs_indexed_7day_usage',
  'logs_indexed_90day_usage', 'logs_indexed_custom_retention_usage', 'mobile_app_testing_usage', 'ndm_netflow_usage',
  'npm_host_usage', 'network_device_wireless_usage', 'obs_pipeline_bytes_usage', 'obs_pipelines_vcpu_usage',
  'online_archive_usage', 'product_analytics_session_usage', 'profiled_container_usage', 'profiled_fargate_usage',
  'profiled_host_usage', 'published_app', 'rum_browser_mobile_sessions_usage', 'rum_ingested_usage',
  'rum_investigate_usage', 'rum_replay_sessions_usage', 'rum_session_replay_add_on_usage', 'sca_fargate_usage',
  'sds_scanned_bytes_usage', 'serverless_apps_usage', 'serverless_apps_apm_usage', 'siem_12mo_retention_usage',
  'siem_6mo_retention_usage', 'siem_analyzed_logs_add_on_usage', 'siem_ingested_bytes_usage', 'snmp_usage',
  'universal_service_monitoring_usage', 'vuln_management_hosts_usage', 'workflow_executions_usage',
] as const;

/**
 * What hourly_usage_attribution reads unless `stream_options.hourly_usage_attribution.usage_types`
 * says otherwise: the dimensions nearly every organisation is billed on (hosts, containers, APM
 * hosts, custom metrics, ingested logs, indexed spans). Each type costs one request per window, so
 * all 89 would cost 89 requests a day of history, most of them answering nothing.
 */
export const DEFAULT_USAGE_ATTRIBUTION_TYPES = [
  'infra_host_usage',
  'container_usage',
  'apm_host_usage',
  'custom_timeseries_usage',
  'ingested_logs_bytes_usage',
  'indexed_spans_usage',
] as const;
