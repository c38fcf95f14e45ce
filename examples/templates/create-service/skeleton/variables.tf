# The per-environment values; each environment sets them in envs/<env>/terraform.tfvars, e.g.
#   terraform plan -var-file=envs/staging/terraform.tfvars

variable "environment" {
  description = "Environment name: dev, staging or prod"
  type        = string
}

variable "aws_account_id" {
  description = "The AWS account the environment lives in"
  type        = string
}

variable "aws_region" {
  description = "The AWS region the environment lives in"
  type        = string
}

variable "function_name" {
  description = "The Lambda function's name, {project}-{component}-{env}"
  type        = string
}

variable "alias_name" {
  description = "The alias that serves traffic; promotions and rollbacks move it"
  type        = string
  default     = "live"
}

variable "memory_size" {
  description = "Memory in MB"
  type        = number
}

variable "timeout" {
  description = "Timeout in seconds"
  type        = number
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency"
  type        = number
}

variable "tags" {
  description = "Tags every resource carries: Project, Component, Environment, ManagedBy, Owner, CostCenter"
  type        = map(string)
}
