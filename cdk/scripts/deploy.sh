#!/usr/bin/env bash
# Deploys CDK stacks with the context taken from environment variables, so CI and a
# person at a terminal deploy the same way.
#
#   DOMAIN_NAME=app.example.com IMAGE_TAG=$(git rev-parse HEAD) cdk/scripts/deploy.sh YcywApp
#   DOMAIN_NAME=app.example.com cdk/scripts/deploy.sh YcywFoundation
#
# Variables (see cdk/README.md): DOMAIN_NAME (required), IMAGE_TAG, CERTIFICATE_ARN,
# HOSTED_ZONE_ID + HOSTED_ZONE_NAME, ALARM_EMAIL, SMTP_URL, MAIL_FROM, STUN_URLS,
# TURN_URLS, NAT_GATEWAYS, INSTANCE_TYPE, MIN_INSTANCES, MAX_INSTANCES, DB_INSTANCE_TYPE,
# CACHE_NODE_TYPE, LOG_RETENTION_DAYS. Extra arguments after the stack names go to
# `cdk deploy` (e.g. --require-approval never).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

: "${DOMAIN_NAME:?set DOMAIN_NAME to the public host name of the application}"

args=()
add() { # add CONTEXT_KEY VALUE: only when VALUE is not empty
  if [[ -n "$2" ]]; then args+=(--context "$1=$2"); fi
}
add domainName "$DOMAIN_NAME"
add imageTag "${IMAGE_TAG:-}"
add certificateArn "${CERTIFICATE_ARN:-}"
add hostedZoneId "${HOSTED_ZONE_ID:-}"
add hostedZoneName "${HOSTED_ZONE_NAME:-}"
add alarmEmail "${ALARM_EMAIL:-}"
add smtpUrl "${SMTP_URL:-}"
add mailFrom "${MAIL_FROM:-}"
add stunUrls "${STUN_URLS:-}"
add turnUrls "${TURN_URLS:-}"
add natGateways "${NAT_GATEWAYS:-}"
add instanceType "${INSTANCE_TYPE:-}"
add minInstances "${MIN_INSTANCES:-}"
add maxInstances "${MAX_INSTANCES:-}"
add dbInstanceType "${DB_INSTANCE_TYPE:-}"
add cacheNodeType "${CACHE_NODE_TYPE:-}"
add logRetentionDays "${LOG_RETENTION_DAYS:-}"

stacks=()
while [[ $# -gt 0 && "$1" != -* ]]; do stacks+=("$1"); shift; done
[[ ${#stacks[@]} -gt 0 ]] || { echo "usage: $0 STACK… [cdk deploy options]" >&2; exit 2; }

export CDK_DISABLE_VERSION_CHECK=true
npx cdk deploy "${stacks[@]}" "${args[@]}" --no-notices "$@"
