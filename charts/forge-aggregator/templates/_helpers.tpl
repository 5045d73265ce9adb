{{/* The chart name, or nameOverride. */}}
{{- define "agg.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name prefix: fullnameOverride, else release + name. */}}
{{- define "agg.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "agg.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "agg.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "agg.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cardano-forge-manager
app.kubernetes.io/component: aggregator
cardano.io/region: {{ .Values.region | quote }}
{{- end -}}

{{- define "agg.selectorLabels" -}}
app.kubernetes.io/name: {{ include "agg.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: aggregator
{{- end -}}

{{- define "agg.serviceAccountName" -}}
{{- default (include "agg.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* The binary's default is forge-aggregator-<region>; RBAC limits writes to this name. */}}
{{- define "agg.leaseName" -}}
{{- default (printf "forge-aggregator-%s" .Values.region | lower) .Values.leaderElection.leaseName -}}
{{- end -}}

{{- define "agg.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
