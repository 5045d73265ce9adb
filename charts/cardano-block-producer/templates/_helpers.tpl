{{/*
Names. The Lease and object names must match what forge-reporter and
forge-aggregator derive (ForgeCore ResourceNames): poolShort is the first 10
characters of a bech32 "pool1..." id, else the first 8; everything lower-case.
The chart sets LEASE_NAME explicitly so RBAC resourceNames and the reporter agree.
*/}}
{{/* The chart name, or nameOverride. */}}
{{- define "bp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name prefix: fullnameOverride, else release + name (52 characters leave
room for the StatefulSet's pod ordinal and controller-revision hash). */}}
{{- define "bp.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "bp.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "bp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "bp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cardano-forge-manager
{{- with .Values.network.name }}
cardano.io/network: {{ . | lower | quote }}
{{- end }}
{{- with .Values.pool.ticker }}
cardano.io/pool-ticker: {{ . | quote }}
{{- end }}
{{- end -}}

{{- define "bp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: block-producer
{{- end -}}

{{- define "bp.serviceAccountName" -}}
{{- default (printf "%s-reporter" (include "bp.fullname" .)) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "bp.poolShort" -}}
{{- $id := lower (default "" .Values.pool.id) -}}
{{- if hasPrefix "pool1" $id -}}{{ trunc 10 $id }}{{- else -}}{{ trunc 8 $id }}{{- end -}}
{{- end -}}

{{- define "bp.multiTenant" -}}
{{- if and .Values.pool.id .Values.network.name -}}true{{- end -}}
{{- end -}}

{{- define "bp.leaseName" -}}
{{- if .Values.names.lease -}}
{{- .Values.names.lease -}}
{{- else if include "bp.multiTenant" . -}}
{{- printf "cardano-leader-%s-%s" .Values.network.name (include "bp.poolShort" .) | lower -}}
{{- else -}}
cardano-node-leader
{{- end -}}
{{- end -}}

{{- define "bp.cardanoLeaderName" -}}
{{- default (include "bp.leaseName" .) .Values.names.cardanoLeader -}}
{{- end -}}

{{/* The region's aggregator Lease: forge-aggregator-<region> unless set. */}}
{{- define "bp.aggregatorLeaseName" -}}
{{- default (printf "forge-aggregator-%s" .Values.cluster.region | lower) .Values.cluster.aggregatorLease -}}
{{- end -}}

{{- define "bp.forgeClusterName" -}}
{{- printf "%s-%s-%s" .Values.network.name (include "bp.poolShort" .) .Values.cluster.region | lower -}}
{{- end -}}

{{- define "bp.reporterImage" -}}
{{- printf "%s:%s" .Values.reporter.image.repository (default .Chart.AppVersion .Values.reporter.image.tag) -}}
{{- end -}}

{{/* Paths shared by the containers (defaults of the reporter, kept explicit). */}}
{{- define "bp.keysDir" -}}/opt/cardano/secrets{{- end -}}
{{- define "bp.sourceDir" -}}/secrets{{- end -}}
{{- define "bp.socketPath" -}}/ipc/node.socket{{- end -}}
{{- define "bp.fenceFile" -}}/run/forge/fence{{- end -}}

{{/* The guard's heartbeat: its own volume, writable by the guard only (the fence stays
read-only for it), read by the reporter. */}}
{{- define "bp.guardHeartbeatFile" -}}/run/forge-guard/heartbeat{{- end -}}

{{- define "bp.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}
