# Sourced by the conformance scripts that compare `graft models run` with a PyTorch reference
# (after `cd` to the repository root); sources torch.sh for $py.
#   reference_out NAME SCRIPT       $out=conformance/out/NAME, filled by `SCRIPT make $out`; status=0
#   models_run_matches REF NAME MODEL ARGS...
#                                   `graft models run MODEL ARGS` writes $out/NAME_graft.safetensors,
#                                   whose tensors must match $out/REF_ref.safetensors (else status=1)
source conformance/lib/torch.sh

reference_out() {
  out=conformance/out/$1
  mkdir -p "$out"
  "$py" "$2" make "$out"
  status=0
}

models_run_matches() {
  local ref=$1 name=$2
  shift 2
  ./graft --quiet models run "$@" --output "$out/${name}_graft.safetensors"
  "$py" conformance/zoo_reference.py check "$out/${ref}_ref.safetensors" "$out/${name}_graft.safetensors" || status=1
}
