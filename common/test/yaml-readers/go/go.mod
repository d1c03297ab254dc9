// The go-yaml reader the cross-reader tests run; built outside the repository (see ../readers.ts).
module cascade/test/yaml-readers

go 1.22

require gopkg.in/yaml.v3 v3.0.1
