#!/usr/bin/env bash
# Runs a one-off task of the worker image on the ECS cluster and waits for it.
#
#   cdk/scripts/run-task.sh migrate IMAGE_URI
#       Registers a revision of the ycyw-migrate task definition that runs IMAGE_URI
#       (the release about to be deployed), runs `ycyw-worker migrate`, fails unless it
#       exits 0. CI runs this before `cdk deploy` so the schema is ahead of the code.
#   cdk/scripts/run-task.sh ops [--image IMAGE_URI] -- ARGS…
#       Runs the ops CLI with a command override, e.g. `-- jobs list --dead`,
#       `-- jobs retry 0192…`, `-- purge-retention --dry-run`, `-- seed-demo`.
#
# Needs: aws CLI v2, jq, credentials for the target account. Reads the YcywApp stack
# outputs (STACK_NAME overrides). Exit status: the task's.
set -euo pipefail

STACK_NAME="${STACK_NAME:-YcywApp}"

usage() { sed -n '2,14p' "$0" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
mode="$1"; shift
image=""
case "$mode" in
  migrate)
    [[ $# -eq 1 ]] || usage
    image="$1"; shift
    family_output=MigrationTaskFamily
    overrides='{}'
    ;;
  ops)
    if [[ "${1:-}" == "--image" ]]; then image="$2"; shift 2; fi
    [[ "${1:-}" == "--" ]] || usage
    shift
    [[ $# -ge 1 ]] || usage
    family_output=OpsTaskFamily
    overrides="$(for arg in "$@"; do jq -n --arg a "$arg" '$a'; done | jq -cs '{containerOverrides: [{name: "app", command: .}]}')"
    ;;
  *) usage ;;
esac

outputs="$(aws cloudformation describe-stacks --stack-name "$STACK_NAME" --query 'Stacks[0].Outputs' --output json)"
output() { jq -er --arg k "$1" '.[] | select(.OutputKey == $k) | .OutputValue' <<<"$outputs"; }
cluster="$(output ClusterName)"
family="$(output "$family_output")"
capacity_provider="$(output CapacityProviderName)"
subnets="$(output TaskSubnetIds)"
security_group="$(output OpsSecurityGroupId)"

task_definition="$family"
if [[ -n "$image" ]]; then
  # Same definition as the one CloudFormation manages, with another image.
  current="$(aws ecs describe-task-definition --task-definition "$family" --query taskDefinition --output json)"
  revision="$(jq --arg image "$image" '
      .containerDefinitions[0].image = $image
      | {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes,
         placementConstraints, requiresCompatibilities, cpu, memory}
      | with_entries(select(.value != null))' <<<"$current")"
  task_definition="$(aws ecs register-task-definition --cli-input-json "$revision" \
    --query taskDefinition.taskDefinitionArn --output text)"
  echo "registered $task_definition running $image"
fi

task_arn="$(aws ecs run-task \
  --cluster "$cluster" \
  --task-definition "$task_definition" \
  --capacity-provider-strategy "capacityProvider=$capacity_provider,weight=1" \
  --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$security_group],assignPublicIp=DISABLED}" \
  --overrides "$overrides" \
  --started-by "run-task.sh/$mode" \
  --query 'tasks[0].taskArn' --output text)"
if [[ -z "$task_arn" || "$task_arn" == "None" ]]; then
  echo "run-task started no task (no capacity?)" >&2
  exit 1
fi
echo "started $task_arn; waiting for it to stop"

# `aws ecs wait tasks-stopped` gives up after 10 minutes; a migration may take longer.
for _ in $(seq 1 6); do
  if aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task_arn" 2>/dev/null; then break; fi
done

task="$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task_arn" --query 'tasks[0]' --output json)"
status="$(jq -r '.lastStatus' <<<"$task")"
exit_code="$(jq -r '.containers[0].exitCode // empty' <<<"$task")"
reason="$(jq -r '[.stoppedReason, .containers[0].reason] | map(select(. != null)) | join("; ")' <<<"$task")"
task_id="${task_arn##*/}"
echo "task $task_id: $status, exit code ${exit_code:-none}${reason:+ ($reason)}"
echo "logs: aws logs tail /ycyw/$family --log-stream-name-prefix $family/app/$task_id"
[[ "$status" == "STOPPED" && "$exit_code" == "0" ]]
