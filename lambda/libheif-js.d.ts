/** The part of libheif-js's embind API that lambda/heic.ts uses (the package ships no types for this entry). */
declare module 'libheif-js/wasm-bundle.js' {
  /** Enum values are embind objects, compared by identity. */
  type Enum = object;
  export interface HeifError {
    code: Enum;
    message?: string;
  }
  export interface HeifChannel {
    id: Enum;
    width: number;
    height: number;
    stride: number;
    data: Uint8Array;
  }
  export interface DecodedImage {
    code?: Enum;
    message?: string;
    image: unknown;
    channels: HeifChannel[];
  }
  export interface LibHeif {
    heif_context_alloc(): unknown;
    heif_context_free(context: unknown): void;
    heif_context_read_from_memory(context: unknown, data: Uint8Array): HeifError;
    heif_js_context_get_primary_image_handle(context: unknown): unknown;
    heif_image_handle_get_width(handle: unknown): number;
    heif_image_handle_get_height(handle: unknown): number;
    heif_image_handle_has_alpha_channel(handle: unknown): number;
    heif_image_handle_release(handle: unknown): void;
    heif_js_decode_image2(handle: unknown, colorspace: Enum, chroma: Enum): DecodedImage | HeifError;
    heif_image_release(image: unknown): void;
    heif_error_code: { heif_error_Ok: Enum };
    heif_colorspace: { heif_colorspace_RGB: Enum };
    heif_chroma: { heif_chroma_interleaved_RGB: Enum; heif_chroma_interleaved_RGBA: Enum };
    heif_channel: { heif_channel_interleaved: Enum };
  }
  const libheif: LibHeif;
  export default libheif;
}
