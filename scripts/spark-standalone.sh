#!/usr/bin/env bash
# A real Spark standalone cluster on this machine (a master and one worker, from Maven's Spark 3.5 jars, no Spark
# download), the cluster jar submitted to it with spark-submit's own class, then both stopped. Checks what README's
# "Beyond one machine" describes for a cluster:
#   scripts/spark-standalone.sh [WORKER_CORES] -- COMMAND ARGS...     e.g.
#   scripts/spark-standalone.sh 2 -- sample --weights RUN --count 64 --out /tmp/s
# Needs: mvn -B -Pspark-cluster -pl dl4j-ddim-spark -am package -DskipTests (the cluster jar) first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cores="${1:-2}"; shift
[[ "${1:-}" == "--" ]] && shift
jar="$root/dl4j-ddim-spark/target/dl4j-ddim-spark-0.1.0-SNAPSHOT-cluster.jar"
[[ -f "$jar" ]] || { echo "spark-standalone: $jar missing; build it with mvn -B -Pspark-cluster -pl dl4j-ddim-spark -am package -DskipTests" >&2; exit 2; }
home="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; [[ -n "${SPARK_STANDALONE_KEEP:-}" ]] && echo "spark-standalone: logs kept in $home" >&2 || rm -rf "$home"' EXIT
# SPARK_HOME as a worker expects it: a RELEASE file and jars/ (Spark's own jars, resolved by Maven)
cat > "$home/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>spark-home</artifactId><version>1</version>
<dependencyManagement><dependencies>
<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.7</version></dependency>
<dependency><groupId>com.fasterxml.jackson</groupId><artifactId>jackson-bom</artifactId><version>2.15.2</version><type>pom</type><scope>import</scope></dependency>
</dependencies></dependencyManagement>
<dependencies><dependency><groupId>org.apache.spark</groupId><artifactId>spark-core_2.12</artifactId>
<version>$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$root/pom.xml")</version></dependency></dependencies></project>
POM
(cd "$home" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$home/jars") >&2
touch "$home/RELEASE"
mapfile -t opens < "$root/scripts/spark-java-options"
cp="$home/jars/*"
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$home/logs" SPARK_WORKER_DIR="$home/work"
port=$((7000 + RANDOM % 900))
java "${opens[@]}" -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0 \
  > "$home/master.log" 2>&1 &
for _ in $(seq 60); do grep -q "I have been elected leader" "$home/master.log" 2>/dev/null && break; sleep 0.5; done
java "${opens[@]}" -cp "$cp" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" --cores "$cores" \
  --memory 8g --webui-port 0 > "$home/worker.log" 2>&1 &
for _ in $(seq 60); do grep -q "Successfully registered with master" "$home/worker.log" 2>/dev/null && break; sleep 0.5; done
source "$root/scripts/native-env.sh"   # the driver's native settings, which the jobs hand to the executors
echo "spark-standalone: master spark://127.0.0.1:$port, one worker of $cores cores" >&2
java "${opens[@]}" -cp "$cp" org.apache.spark.deploy.SparkSubmit --master "spark://127.0.0.1:$port" \
  --class org.ddim4j.spark.cli.SparkDdim --executor-memory 4g --conf spark.executor.cores="$cores" \
  --conf spark.driver.host=127.0.0.1 "$jar" "$@"
