# Shell helpers shared by the shell benches (sourced, not run).

# Appends "wall cpu" seconds of one command (its output discarded) to the file $1.
timed() {
  local out=$1
  shift
  local TIMEFORMAT='%R %U %S'
  { time "$@" > /dev/null 2>&1; } 2> time.txt
  awk '{ print $1, $2 + $3 }' time.txt >> "$out"
}

# The median of column $1 (1 wall, 2 cpu) of the file $2.
median() {
  sort -g -k"$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
