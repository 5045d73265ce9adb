{{/*
Environment of forge-reporter, with the predecessor's variable names and
defaults (docs/DEPLOYMENT.md, "Environment"), so existing dashboards and
runbooks keep working. Paths are spelt out even where they equal the
reporter's defaults: the volumes below depend on them.
*/}}
{{- define "bp.reporterEnv" -}}
- name: NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
# Election identity <pod name>_<uid>: a pod recreated under the same name waits for
# its predecessor's Lease instead of renewing it as its own.
- name: POD_UID
  valueFrom:
    fieldRef:
      fieldPath: metadata.uid
- name: NODE_SOCKET
  value: {{ include "bp.socketPath" . | quote }}
- name: SOCKET_WAIT_TIMEOUT
  value: {{ .Values.reporter.socketWaitTimeout | quote }}
- name: DISABLE_SOCKET_CHECK
  value: {{ .Values.reporter.disableSocketCheck | quote }}
- name: LEASE_NAME
  value: {{ include "bp.leaseName" . | quote }}
- name: LEASE_DURATION
  value: {{ .Values.leaderElection.leaseDuration | quote }}
- name: RENEW_DEADLINE
  value: {{ .Values.leaderElection.renewDeadline | quote }}
- name: RETRY_PERIOD
  value: {{ .Values.leaderElection.retryPeriod | quote }}
- name: RENEW_INTERVAL
  value: {{ .Values.leaderElection.renewInterval | quote }}
- name: SLEEP_INTERVAL
  value: {{ .Values.reporter.sleepInterval | quote }}
- name: REPORT_HEARTBEAT
  value: {{ .Values.reporter.reportHeartbeat | quote }}
- name: METRICS_PORT
  value: {{ .Values.reporter.metricsPort | quote }}
- name: LOG_LEVEL
  value: {{ .Values.reporter.logLevel | quote }}
- name: FENCE_FILE
  value: {{ include "bp.fenceFile" . | quote }}
- name: SOURCE_KES_KEY
  value: {{ printf "%s/kes.skey" (include "bp.sourceDir" .) | quote }}
- name: SOURCE_VRF_KEY
  value: {{ printf "%s/vrf.skey" (include "bp.sourceDir" .) | quote }}
- name: SOURCE_OP_CERT
  value: {{ printf "%s/node.cert" (include "bp.sourceDir" .) | quote }}
- name: TARGET_KES_KEY
  value: {{ printf "%s/kes.skey" (include "bp.keysDir" .) | quote }}
- name: TARGET_VRF_KEY
  value: {{ printf "%s/vrf.skey" (include "bp.keysDir" .) | quote }}
- name: TARGET_OP_CERT
  value: {{ printf "%s/node.cert" (include "bp.keysDir" .) | quote }}
- name: CARDANO_NODE_PROCESS_NAME
  value: {{ .Values.node.processName | quote }}
- name: GUARD_STALENESS
  value: {{ .Values.reporter.guardStaleness | quote }}
- name: GUARD_HEARTBEAT_FILE
  value: {{ include "bp.guardHeartbeatFile" . | quote }}
{{- if .Values.node.metricsPort }}
- name: NODE_METRICS_URL
  value: {{ printf "http://127.0.0.1:%v/metrics" .Values.node.metricsPort | quote }}
{{- end }}
{{- with .Values.node.shelleyGenesisFile }}
- name: SHELLEY_GENESIS_FILE
  value: {{ printf "/config/%s" . | quote }}
{{- end }}
- name: CARDANO_NETWORK
  value: {{ .Values.network.name | quote }}
{{- if .Values.network.magic }}
- name: NETWORK_MAGIC
  value: {{ .Values.network.magic | int64 | quote }}
{{- end }}
{{- with .Values.pool.id }}
- name: POOL_ID
  value: {{ . | quote }}
{{- end }}
{{- with .Values.pool.idHex }}
- name: POOL_ID_HEX
  value: {{ . | quote }}
{{- end }}
{{- with .Values.pool.name }}
- name: POOL_NAME
  value: {{ . | quote }}
{{- end }}
{{- with .Values.pool.ticker }}
- name: POOL_TICKER
  value: {{ . | quote }}
{{- end }}
- name: APPLICATION_TYPE
  value: {{ .Values.application.type | quote }}
- name: ENABLE_CLUSTER_MANAGEMENT
  value: {{ .Values.cluster.management | quote }}
{{- if .Values.cluster.management }}
- name: CLUSTER_REGION
  value: {{ .Values.cluster.region | quote }}
- name: CLUSTER_PRIORITY
  value: {{ .Values.cluster.priority | quote }}
- name: CLUSTER_ENVIRONMENT
  value: {{ .Values.application.environment | quote }}
{{- /* HEALTH_CHECK_* are not set: health is probed by forge-aggregator from
     the CardanoForgeCluster spec (cluster.healthCheck), not by every pod. */}}
{{- end }}
- name: CRD_GROUP
  value: cardano.io
- name: CRD_VERSION
  value: v1
- name: CRD_PLURAL
  value: cardanoleaders
- name: CRD_NAME
  value: {{ include "bp.cardanoLeaderName" . | quote }}
{{- with .Values.reporter.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
