#!/usr/bin/env bash
# Peak resident memory of `handover seal` and `handover open` with a large
# attachment beside a small one, measured with GNU time (/usr/bin/time -v).
#
# The goal (docs/PERFORMANCE.md): 64 MiB or less, and no larger for a 1 GiB
# attachment than for a 10 MiB one, because attachments are streamed and never
# held whole in memory.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/peak_rss.sh [options] BUILD_DIR

Seals and opens a case bundle with one attachment of each size through the
handover CLI (BUILD_DIR/client/handover), under /usr/bin/time -v, checks
with cmp that the opened attachment equals the input, and prints the peak
resident set size of every run beside the goal of 64 MiB or less, no larger
for the biggest attachment than for the smallest.

options:
  --sizes "MIB..."  attachment sizes in MiB (default: "10 1024")
  --tmpdir DIR      where to put the scratch directory (default: $TMPDIR or
                    /tmp); it needs about three times the largest size free
  --strict          exit 1 when a goal is not met (default: report only)
  -h, --help        show this help

The scratch directory is removed on exit.
EOF
}

sizes="10 1024"
tmp_base="${TMPDIR:-/tmp}"
strict=0
build_dir=""
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --sizes) sizes="${2:?--sizes needs a value}"; shift 2 ;;
    --tmpdir) tmp_base="${2:?--tmpdir needs a value}"; shift 2 ;;
    --strict) strict=1; shift ;;
    -*) echo "peak_rss.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *)
      [[ -z "$build_dir" ]] || { echo "peak_rss.sh: one BUILD_DIR only" >&2; exit 2; }
      build_dir="$1"; shift ;;
  esac
done
[[ -n "$build_dir" ]] || { usage >&2; exit 2; }

cli="$build_dir/client/handover"
[[ -x "$cli" ]] || { echo "peak_rss.sh: $cli not found; build the handover target first" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "peak_rss.sh: /usr/bin/time (GNU time) is missing; install the 'time' package" >&2; exit 1; }
cli="$(cd "$(dirname "$cli")" && pwd)/handover"

work="$(mktemp -d "$tmp_base/handover-rss.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Runs "$@" under GNU time; prints "peak_kib wall_seconds". Output of the
# command goes to $work/last.log, shown if it fails.
measure() {
  local stats="$work/time.txt"
  if ! /usr/bin/time -v -o "$stats" "$@" >"$work/last.log" 2>&1; then
    echo "peak_rss.sh: command failed: $*" >&2
    cat "$work/last.log" "$stats" >&2 || true
    exit 1
  fi
  awk -F': ' '
    /Maximum resident set size/ { rss = $2 }
    /Elapsed \(wall clock\) time/ {
      n = split($2, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      wall = s
    }
    END { printf "%d %.2f\n", rss, wall }' "$stats"
}

to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rate() { awk -v m="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", m / s; else print "-" }'; }

"$cli" keygen --agency bench-sender --out "$work/keys/sender" >/dev/null
"$cli" keygen --agency bench-recipient --out "$work/keys/recipient" >/dev/null

# A minimal valid bundle listing the one attachment; the CLI fills in its
# media type and size from the --attach file.
cat >"$work/bundle.json" <<'EOF'
{
  "metadata": {"schema_version": 1, "created_time": "2024-03-18T09:30:00Z"},
  "identity": {"family_name": "Child"},
  "attachments": [{"name": "attachment.bin", "label": "case-file"}]
}
EOF

read -r base_kib _ < <(measure "$cli" version)

rows=()
declare -A peak
for mib in $sizes; do
  dir="$work/$mib"
  mkdir -p "$dir"
  head -c "$((mib * 1024 * 1024))" /dev/urandom >"$dir/attachment.bin"
  sync  # so write-back of the input does not land inside the seal's timing

  read -r seal_kib seal_s < <(measure "$cli" seal --key "$work/keys/sender" \
    --to "$work/keys/recipient/public.key" --in "$work/bundle.json" \
    --attach "$dir/attachment.bin" --out "$dir/sealed.hov")
  read -r open_kib open_s < <(measure "$cli" open --key "$work/keys/recipient" \
    --sender "$work/keys/sender/public.key" --in "$dir/sealed.hov" \
    --out "$dir/opened")
  cmp "$dir/attachment.bin" "$dir/opened/attachments/attachment.bin"

  peak["seal $mib"]=$seal_kib
  peak["open $mib"]=$open_kib
  rows+=("$(printf '%-8s %10s %14s %9.2f %9s' seal "${mib} MiB" \
    "$(to_mib "$seal_kib")" "$seal_s" "$(rate "$mib" "$seal_s")")")
  rows+=("$(printf '%-8s %10s %14s %9.2f %9s' open "${mib} MiB" \
    "$(to_mib "$open_kib")" "$open_s" "$(rate "$mib" "$open_s")")")
  rm -rf "$dir"
done

echo
echo "Peak resident memory through the CLI (GNU time, maximum RSS)"
printf '%-8s %10s %14s %9s %9s\n' command attachment "peak RSS MiB" "wall s" "MiB/s"
printf '%-8s %10s %14s %9s %9s\n' version - "$(to_mib "$base_kib")" - -
printf '%s\n' "${rows[@]}"

# Goals: every run at most 64 MiB; the largest size within 4 MiB of the
# smallest (allocator and page-cache noise), for seal and for open.
limit_kib=$((64 * 1024))
noise_kib=$((4 * 1024))
read -r -a size_list <<<"$sizes"
smallest="${size_list[0]}"
largest="${size_list[${#size_list[@]} - 1]}"
met=1
echo
for op in seal open; do
  for mib in $sizes; do
    if ((peak["$op $mib"] > limit_kib)); then
      echo "NOT MET: $op with $mib MiB used $((peak["$op $mib"] / 1024)) MiB, over 64 MiB"
      met=0
    fi
  done
  growth=$((peak["$op $largest"] - peak["$op $smallest"]))
  if ((growth > noise_kib)); then
    echo "NOT MET: $op grows by $((growth / 1024)) MiB from $smallest MiB to $largest MiB"
    met=0
  else
    echo "met: $op peak RSS with $largest MiB is within 4 MiB of $smallest MiB ($(to_mib "${peak["$op $largest"]}") vs $(to_mib "${peak["$op $smallest"]}") MiB)"
  fi
done
((met)) && echo "met: every run within 64 MiB"
if ((strict && !met)); then exit 1; fi
