#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript,
# spark.worker.resource.gpu.discoveryScript): prints the GPUs this machine has as
#   {"name":"gpu","addresses":["0","1",...]}
# Addresses are CUDA ordinals (what ModernBertEmbedder's device=auto/cuda expects), not UUIDs.
# Honours CUDA_VISIBLE_DEVICES when it lists ordinals.
set -euo pipefail
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ] && [[ "$CUDA_VISIBLE_DEVICES" =~ ^[0-9,]+$ ]]; then
  ids="$CUDA_VISIBLE_DEVICES"
elif command -v nvidia-smi > /dev/null 2>&1; then
  ids="$(nvidia-smi --query-gpu=index --format=csv,noheader 2> /dev/null | tr -d ' ' | paste -sd, -)"
else
  ids=""
fi
addresses=""
IFS=',' read -ra arr <<< "$ids"
for i in "${arr[@]}"; do
  [ -z "$i" ] && continue
  addresses="${addresses:+$addresses,}\"$i\""
done
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
