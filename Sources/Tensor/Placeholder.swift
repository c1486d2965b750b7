import CBLAS
public enum TensorPlaceholder {}
