// Domain constants shared by the engine, data loaders and views.
export const IMAGE_SIDE = 28;
export const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE; // 784 input pixels
export const NUM_CLASSES = 10;
