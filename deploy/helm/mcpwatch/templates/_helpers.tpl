{{/* The chart's name, or nameOverride. */}}
{{- define "mcpwatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Objects' names: the release name, with the chart's name appended unless it already holds it. */}}
{{- define "mcpwatch.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "mcpwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mcpwatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mcpwatch.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "mcpwatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The Secret the container's environment comes from: the user's, or the chart's. */}}
{{- define "mcpwatch.secretName" -}}
{{- default (include "mcpwatch.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{- define "mcpwatch.configMapName" -}}
{{- default (printf "%s-config" (include "mcpwatch.fullname" .)) .Values.existingConfigMap -}}
{{- end -}}

{{- define "mcpwatch.claimName" -}}
{{- default (printf "%s-data" (include "mcpwatch.fullname" .)) .Values.persistence.existingClaim -}}
{{- end -}}
