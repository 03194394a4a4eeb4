# Builds every deployable image in one go; the Rust builder stage is shared, so the
# workspace compiles once.
#
#   REGISTRY=123456789012.dkr.ecr.eu-west-3.amazonaws.com TAG=$(git rev-parse HEAD) \
#     docker buildx bake -f docker/docker-bake.hcl --push
#
# Image names are ${REGISTRY}/${PREFIX}/<name>:${TAG}, matching the ECR repositories of
# the CDK foundation stack. `ycyw-api` (local use only) is in the "local" group.

variable "REGISTRY" { default = "local" }
variable "PREFIX" { default = "ycyw" }
variable "TAG" { default = "dev" }

group "default" {
  targets = ["auth", "catalog", "reservations", "payments", "support", "worker", "frontend"]
}

group "local" {
  targets = ["api"]
}

target "_rust" {
  context    = "."
  dockerfile = "docker/rust.Dockerfile"
  platforms  = ["linux/amd64"]
}

target "auth" {
  inherits = ["_rust"]
  target   = "ycyw-auth"
  tags     = ["${REGISTRY}/${PREFIX}/auth:${TAG}"]
}

target "catalog" {
  inherits = ["_rust"]
  target   = "ycyw-catalog"
  tags     = ["${REGISTRY}/${PREFIX}/catalog:${TAG}"]
}

target "reservations" {
  inherits = ["_rust"]
  target   = "ycyw-reservations"
  tags     = ["${REGISTRY}/${PREFIX}/reservations:${TAG}"]
}

target "payments" {
  inherits = ["_rust"]
  target   = "ycyw-payments"
  tags     = ["${REGISTRY}/${PREFIX}/payments:${TAG}"]
}

target "support" {
  inherits = ["_rust"]
  target   = "ycyw-support"
  tags     = ["${REGISTRY}/${PREFIX}/support:${TAG}"]
}

target "worker" {
  inherits = ["_rust"]
  target   = "ycyw-worker"
  tags     = ["${REGISTRY}/${PREFIX}/worker:${TAG}"]
}

target "api" {
  inherits = ["_rust"]
  target   = "ycyw-api"
  tags     = ["${REGISTRY}/${PREFIX}/api:${TAG}"]
}

target "frontend" {
  context    = "."
  dockerfile = "docker/frontend.Dockerfile"
  platforms  = ["linux/amd64"]
  tags       = ["${REGISTRY}/${PREFIX}/frontend:${TAG}"]
}
