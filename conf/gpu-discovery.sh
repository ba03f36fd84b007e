#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript,
# spark.worker.resource.gpu.discoveryScript): prints the GPUs this process can use as
#   {"name":"gpu","addresses":["0","1",...]}
# Addresses are the CUDA ordinals this process sees, 0..n-1 (ModernBertEmbedder's device=auto/cuda
# uses an address a as cuda:a), never physical ids or UUIDs: with CUDA_VISIBLE_DEVICES=2,3 the
# process's GPUs are cuda:0 and cuda:1. n is the number of CUDA_VISIBLE_DEVICES entries when it is
# set (indices, GPU-/MIG- UUIDs; as CUDA does, an empty value hides every GPU and an entry of -1
# ends the list), else the number of GPUs nvidia-smi lists (none without a working nvidia-smi).
set -uo pipefail
count=0
if [ -n "${CUDA_VISIBLE_DEVICES+set}" ]; then
  IFS=',' read -ra entries <<< "${CUDA_VISIBLE_DEVICES// /}"
  for e in ${entries[@]+"${entries[@]}"}; do
    if [ -z "$e" ] || [[ "$e" == -* ]]; then
      break
    fi
    count=$((count + 1))
  done
elif command -v nvidia-smi > /dev/null 2>&1; then
  if listed="$(nvidia-smi --query-gpu=index --format=csv,noheader)"; then
    while IFS= read -r line; do
      [ -n "${line//[[:space:]]/}" ] && count=$((count + 1))
    done <<< "$listed"
  else
    echo "gpu-discovery.sh: nvidia-smi failed, so no GPUs are reported" >&2
  fi
fi
addresses=""
for ((i = 0; i < count; i++)); do
  addresses="${addresses:+$addresses,}\"$i\""
done
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
