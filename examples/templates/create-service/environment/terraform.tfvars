# The declared values of ${{ values.project }}/${{ values.component }} in ${{ values.environment }}.
# Resource names follow the naming convention {project}-{component}-{env}.
environment    = "${{ values.environment }}"
aws_account_id = "${{ values.accountId }}"
aws_region     = "${{ values.region }}"

function_name = "${{ values.project }}-${{ values.component }}-${{ values.environment }}"
alias_name    = "live"

memory_size                    = ${{ values.memorySize }}
timeout                        = ${{ values.timeout }}
reserved_concurrent_executions = ${{ values.reservedConcurrency }}

tags = {
  Project     = "${{ values.project }}"
  Component   = "${{ values.component }}"
  Environment = "${{ values.environment }}"
  ManagedBy   = "terraform"
  Owner       = "${{ values.ownerName }}"
  CostCenter  = "${{ values.costCenter }}"
}
