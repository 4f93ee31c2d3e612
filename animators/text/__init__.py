"""Text-conditioned sequences: a caption and a start frame rolled out by a next-frame U-Net; a
small caption-conditioned GAN can draw the first frame."""
