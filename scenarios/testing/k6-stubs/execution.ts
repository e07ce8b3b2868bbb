/** A stand-in for `k6/execution`. */
const exec = {
  vu: { idInTest: 1 },
  scenario: { iterationInTest: 0, name: "test" },
};

export default exec;
