#!/bin/sh
# Makes the six Redis nodes one cluster of three masters with a replica each, once: a cluster
# that is already formed is left as it is (this runs at every `docker compose up`).
set -e
for n in 1 2 3 4 5 6; do
  until redis-cli -h "redis-$n" ping >/dev/null 2>&1; do sleep 1; done
done
if redis-cli -h redis-1 cluster info | grep -q "cluster_state:ok"; then
  echo "the cluster is formed already"
  exit 0
fi
# redis-cli wants addresses to create a cluster; the nodes then announce their names
# (cluster-announce-hostname), which stay right when a container comes back with a new address.
nodes=""
for n in 1 2 3 4 5 6; do
  nodes="$nodes $(getent hosts "redis-$n" | awk '{print $1}'):6379"
done
# shellcheck disable=SC2086
redis-cli --cluster create $nodes --cluster-replicas 1 --cluster-yes
