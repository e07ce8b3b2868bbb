/** A stand-in for `k6/execution`; tests set the VU and the scenario's iteration number. */
const exec = {
  vu: { idInTest: 1 },
  scenario: { iterationInTest: 0, name: "test" },
};

export default exec;
