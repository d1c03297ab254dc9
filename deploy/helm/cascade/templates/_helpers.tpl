{{/* Names, labels and the pieces the three services share. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "cascade.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object name: fullnameOverride, or the release name with the chart name unless it holds it already. */}}
{{- define "cascade.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of cluster-scoped objects: the namespace is part of it, so the same release name in two namespaces never collides. */}}
{{- define "cascade.clusterName" -}}
{{- printf "%s-%s-%s" .root.Release.Namespace (include "cascade.fullname" .root) .component -}}
{{- end -}}

{{/* The services the chart runs, with their ports (the defaults of cascade.yaml). */}}
{{- define "cascade.ports" -}}
aggregator: 7400
deployer: 7401
transitioner: 7402
{{- end -}}

{{/* Port of one service; called with (dict "root" $ "component" "deployer"). */}}
{{- define "cascade.port" -}}
{{- index (include "cascade.ports" . | fromYaml) .component -}}
{{- end -}}

{{/* In-cluster URL of one service's Service. */}}
{{- define "cascade.serviceUrl" -}}
{{- printf "http://%s-%s.%s.svc:%s" (include "cascade.fullname" .root) .component .root.Release.Namespace (include "cascade.port" .) -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "cascade.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "cascade.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cascade
{{- end -}}

{{/* Labels that select one service's pods; called with (dict "root" $ "component" …). */}}
{{- define "cascade.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cascade.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels of one service's objects. */}}
{{- define "cascade.componentLabels" -}}
{{ include "cascade.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The ServiceAccount of one service. */}}
{{- define "cascade.serviceAccountName" -}}
{{- printf "%s-%s" (include "cascade.fullname" .root) .component -}}
{{- end -}}

{{/* The image reference. */}}
{{- define "cascade.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* Where the pods find their files. */}}
{{- define "cascade.paths" -}}
config: /etc/cascade/cascade.yaml
knownHostsFromValues: /etc/cascade/known_hosts
dataDir: /var/lib/cascade
gitSsh: /var/run/secrets/cascade/git-ssh
gitHttps: /var/run/secrets/cascade/git-https
age: /var/run/secrets/cascade/age
aggregatorAuth: /var/run/secrets/cascade/aggregator-auth
{{- end -}}

{{/*
Files from Secrets that Cascade reads only when their owner alone may read them, per service: the deployer's age
identities, the aggregator's sign-in secrets. Each is copied from `<dir>-source` (the Secret) to `<dir>` (memory).
Called with (dict "root" $ "component" …); a YAML list.
*/}}
{{- define "cascade.privateFiles" -}}
{{- $paths := include "cascade.paths" .root | fromYaml -}}
{{- $files := list -}}
{{- $age := .root.Values.secrets.ageIdentity -}}
{{- if and (eq .component "deployer") $age.existingSecret -}}
{{- $files = append $files (dict "name" "age" "secret" $age.existingSecret "keys" $age.keys "dir" $paths.age) -}}
{{- end -}}
{{- $auth := .root.Values.aggregator.authSecret -}}
{{- if and (eq .component "aggregator") $auth.existingSecret -}}
{{- $files = append $files (dict "name" "auth" "secret" $auth.existingSecret "keys" $auth.keys "dir" $paths.aggregatorAuth) -}}
{{- end -}}
{{- toYaml $files -}}
{{- end -}}

{{/*
cascade.yaml: what the chart sets (listen addresses inside the pod, peers through the Services, the data dir,
election, shards, the age identity files), with the `config` values merged over it.
*/}}
{{- define "cascade.config" -}}
{{- $paths := include "cascade.paths" . | fromYaml -}}
{{- $ports := include "cascade.ports" . | fromYaml -}}
{{- $urls := dict -}}
{{- range $component, $port := $ports -}}
{{- $_ := set $urls $component (include "cascade.serviceUrl" (dict "root" $ "component" $component)) -}}
{{- end -}}
{{- $chart := dict
  "dataDir" $paths.dataDir
  "deployer" (dict "listen" (printf "0.0.0.0:%v" $ports.deployer) "transitioner" $urls.transitioner "aggregator" $urls.aggregator "shards" (int .Values.deployer.shards))
  "transitioner" (dict "listen" (printf "0.0.0.0:%v" $ports.transitioner) "deployer" $urls.deployer "aggregator" $urls.aggregator)
  "aggregator" (dict "listen" (printf "0.0.0.0:%v" $ports.aggregator) "deployer" $urls.deployer "transitioner" $urls.transitioner)
-}}
{{- if .Values.election.enabled -}}
{{- $_ := set $chart "election" (dict "namespace" .Release.Namespace "inCluster" true "leaseDuration" .Values.election.leaseDuration "renewDeadline" .Values.election.renewDeadline "retryPeriod" .Values.election.retryPeriod) -}}
{{- end -}}
{{- range include "cascade.privateFiles" (dict "root" $ "component" "deployer") | fromYamlArray -}}
{{- $dir := .dir -}}
{{- $files := list -}}
{{- range .keys -}}
{{- $files = append $files (printf "%s/%s" $dir .) -}}
{{- end -}}
{{- $_ := set $chart "secrets" (dict "ageIdentityFile" $files) -}}
{{- end -}}
{{- toYaml (mergeOverwrite $chart (deepCopy .Values.config)) -}}
{{- end -}}

{{/* Environment of git in every service: how it authenticates to the resource repo. */}}
{{- define "cascade.gitEnv" -}}
{{- $paths := include "cascade.paths" . | fromYaml -}}
{{- with .Values.git.ssh -}}
{{- if .existingSecret }}
{{- $knownHosts := ternary $paths.knownHostsFromValues (printf "%s/%s" $paths.gitSsh .knownHostsKey) (ne .knownHosts "") }}
# The key and known_hosts from the Secret; an unknown host key fails the fetch instead of being trusted.
- name: GIT_SSH_COMMAND
  value: {{ printf "ssh -i %s/%s -o IdentitiesOnly=yes -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes -o BatchMode=yes" $paths.gitSsh .privateKeyKey $knownHosts | quote }}
{{- end }}
{{- end }}
{{- with .Values.git.https -}}
{{- if .existingSecret }}
# A credential helper reading the Secret's files, so the password is in no URL, argument or environment variable.
- name: GIT_CONFIG_COUNT
  value: "1"
- name: GIT_CONFIG_KEY_0
  value: credential.helper
- name: GIT_CONFIG_VALUE_0
  value: {{ printf "!f() { test \"$1\" = get || exit 0; echo \"username=$(cat %s/%s)\"; echo \"password=$(cat %s/%s)\"; }; f" $paths.gitHttps .usernameKey $paths.gitHttps .passwordKey | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The container and pod security settings (Pod Security Standard "restricted"). */}}
{{- define "cascade.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
